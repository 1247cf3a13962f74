using Microsoft.Extensions.Options;

namespace OrleansRedis.Silo.Hosting;

/// <summary>
/// Ends the process when stopping takes longer than <see cref="HostOptions.ShutdownTimeout"/> plus
/// <see cref="ShutdownBound.ExitGrace"/>. Orleans gives each of its two membership updates on the way out a fixed
/// minute, ignoring the host's token, and spends it retrying when the State Redis is gone (measured: 122 s to exit);
/// docker, systemd and Kubernetes SIGKILL long before that. Exiting early loses nothing: a silo that cannot reach
/// the membership table cannot mark itself dead either, and the other silos' probes declare it dead.
/// </summary>
internal sealed partial class ShutdownWatchdog(
    IHostApplicationLifetime lifetime, IOptions<HostOptions> host, ILogger<ShutdownWatchdog> logger) : IHostedService, IDisposable
{
    private CancellationTokenRegistration _stopping;
    private Timer? _timer;

    /// <inheritdoc />
    public Task StartAsync(CancellationToken cancellationToken)
    {
        _stopping = lifetime.ApplicationStopping.Register(() =>
        {
            var bound = host.Value.ShutdownTimeout + ShutdownBound.ExitGrace;
            _timer = new Timer(_ => Exit(bound), null, bound, Timeout.InfiniteTimeSpan);
        });
        return Task.CompletedTask;
    }

    /// <inheritdoc />
    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    /// <inheritdoc />
    public void Dispose()
    {
        _stopping.Dispose();
        _timer?.Dispose();
    }

    private void Exit(TimeSpan bound)
    {
        LogShutdownTimedOut(logger, bound.TotalSeconds);

        // The console logger writes from a queue that may not drain before the exit; stderr is synchronous.
        Console.Error.WriteLine(
            $"OrleansRedis: stopping took longer than {bound.TotalSeconds:0.#} s (is the State Redis down?); exiting without finishing the membership update.");
        Environment.Exit(ExitCodes.ShutdownTimedOutCode);
    }

    [LoggerMessage(Level = LogLevel.Error, Message = "Stopping took longer than {BoundSeconds} s; exiting without finishing the membership update.")]
    private static partial void LogShutdownTimedOut(ILogger logger, double boundSeconds);
}
