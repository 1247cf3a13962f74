using System.Collections.Concurrent;
using Microsoft.Extensions.Logging;

namespace OrleansRedis.Grains.RateLimiting;

/// <summary>
/// Logs when a policy starts and stops deciding without Redis, once per silo and transition, however many keys (and
/// so grain activations) notice it: an outage seen by ten thousand active keys is one warning, not ten thousand.
/// </summary>
public sealed partial class RateLimitOutageLog(ILogger<RateLimitOutageLog> logger)
{
    private readonly ConcurrentDictionary<string, StrongBox> _degraded = new(StringComparer.OrdinalIgnoreCase);

    /// <summary>Records that a check of <paramref name="policy"/> was decided by its failure mode.</summary>
    public void Degraded(RateLimitPolicy policy, string reason, Exception? exception)
    {
        if (Interlocked.Exchange(ref State(policy.Name).Value, 1) == 0)
        {
            LogDegraded(policy.Name, policy.FailureMode, reason, exception?.GetType().Name, exception?.Message);
        }
    }

    /// <summary>Records that a check of <paramref name="policy"/> was decided by Redis.</summary>
    public void Decided(RateLimitPolicy policy)
    {
        if (_degraded.TryGetValue(policy.Name, out var state) && Volatile.Read(ref state.Value) == 1 && Interlocked.Exchange(ref state.Value, 0) == 1)
        {
            LogRecovered(policy.Name);
        }
    }

    private StrongBox State(string policy) => _degraded.GetOrAdd(policy, static _ => new StrongBox());

    [LoggerMessage(Level = LogLevel.Warning, Message = "Rate limiting for policy {Policy} decides by its failure mode ({FailureMode}) because Redis could not decide: {Reason} {ExceptionType} {ExceptionMessage}")]
    private partial void LogDegraded(string policy, RateLimitFailureMode failureMode, string reason, string? exceptionType, string? exceptionMessage);

    [LoggerMessage(Level = LogLevel.Information, Message = "Rate limiting for policy {Policy} decides through Redis again")]
    private partial void LogRecovered(string policy);

    private sealed class StrongBox
    {
        public int Value;
    }
}
