using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace OrleansRedis.Redis.Operations;

/// <summary>
/// Logs each Redis's memory warnings once when the host starts, so a State Redis on <c>allkeys-lru</c> is noticed
/// before it deletes anything. Runs in the background: an unreachable Redis must not delay or fail the start.
/// </summary>
public sealed partial class MemoryWarningsAtStartup(RedisMemoryInspector inspector, ILogger<MemoryWarningsAtStartup> logger) : BackgroundService
{
    /// <inheritdoc />
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        foreach (var role in inspector.Roles)
        {
            try
            {
                var report = await inspector.GetReportAsync(role).WaitAsync(TimeSpan.FromSeconds(10), stoppingToken).ConfigureAwait(false);
                foreach (var warning in report.Warnings)
                {
                    LogWarning(role, warning.Code, warning.Message, warning.Remedy);
                }

                LogChecked(role, report.MaxMemoryPolicy, report.AofEnabled, report.Warnings.Count);
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                LogUnavailable(role, ex.Message);
            }
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Redis {Role} memory warning {Code}: {Text} Remedy: {Remedy}")]
    private partial void LogWarning(RedisRole role, string code, string text, string remedy);

    [LoggerMessage(Level = LogLevel.Information, Message = "Redis {Role} memory settings checked: policy {Policy}, AOF {Aof}, {Count} warnings")]
    private partial void LogChecked(RedisRole role, string policy, bool aof, int count);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Redis {Role} memory settings could not be checked at start: {Reason}")]
    private partial void LogUnavailable(RedisRole role, string reason);
}
