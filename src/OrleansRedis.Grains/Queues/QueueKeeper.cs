using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Orleans.Runtime;
using OrleansRedis.Abstractions.Queues;

namespace OrleansRedis.Grains.Queues;

/// <summary>
/// Runs on every silo while it is active: every <c>Queues:KeeperPeriod</c> it pings each partition grain and the
/// schedule grain of every defined queue. After a silo is lost they are therefore active again elsewhere (their
/// activation redelivers the dead silo's handler jobs, re-arms timers, restarts dispatch) within failure detection plus
/// one period, and grains that hold timers are never idle-collected.
/// </summary>
public sealed partial class QueueKeeper(IGrainFactory grains, IOptions<QueueOptions> options, TimeProvider time, ILogger<QueueKeeper> logger)
    : ILifecycleParticipant<ISiloLifecycle>
{
    private readonly CancellationTokenSource _stop = new();
    private Task? _loop;

    /// <inheritdoc />
    public void Participate(ISiloLifecycle lifecycle) =>
        lifecycle.Subscribe(nameof(QueueKeeper), ServiceLifecycleStage.Active, OnStartAsync, OnStopAsync);

    private Task OnStartAsync(CancellationToken cancellationToken)
    {
        if (options.Value.Definitions.Count > 0)
        {
            _loop = Task.Run(() => RunAsync(_stop.Token), CancellationToken.None);
        }

        return Task.CompletedTask;
    }

    private async Task OnStopAsync(CancellationToken cancellationToken)
    {
        await _stop.CancelAsync();
        if (_loop is not null)
        {
            await _loop.WaitAsync(cancellationToken).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
        }
    }

    private async Task RunAsync(CancellationToken stop)
    {
        while (!stop.IsCancellationRequested)
        {
            await PingAllAsync();
            try
            {
                await Task.Delay(options.Value.KeeperPeriod, time, stop);
            }
            catch (OperationCanceledException)
            {
                return;
            }
        }
    }

    /// <summary>Pings every partition and schedule grain once; failures are logged and tried again next period.</summary>
    public async Task PingAllAsync()
    {
        var pings = new List<Task>();
        foreach (var (name, definition) in options.Value.Definitions)
        {
            for (var p = 0; p < definition.Partitions; p++)
            {
                pings.Add(grains.GetGrain<IQueuePartitionGrain>($"{name}#{p}").PingAsync());
            }

            pings.Add(grains.GetGrain<IQueueScheduleGrain>(name).PingAsync());
        }

        try
        {
            await Task.WhenAll(pings);
        }
        catch (Exception ex)
        {
            LogPingFailed(ex, pings.Count(t => t.IsFaulted));
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "The queue keeper could not reach {Count} queue grain(s); trying again next period.")]
    private partial void LogPingFailed(Exception exception, int count);
}
