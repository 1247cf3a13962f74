using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Orleans.Runtime;
using OrleansRedis.Abstractions.Queues;
using OrleansRedis.Redis.Queues;

namespace OrleansRedis.Grains.Queues;

/// <summary>
/// Runs on every silo while it is active: every <c>Queues:KeeperPeriod</c> it pings each partition grain and the
/// schedule grain of every defined queue. After a silo is lost they are therefore active again elsewhere (their
/// activation redelivers the dead silo's handler jobs, re-arms timers, restarts dispatch) within failure detection plus
/// one period, and grains that hold timers are never idle-collected.
/// </summary>
public sealed partial class QueueKeeper(
    IGrainFactory grains, IOptions<QueueOptions> options, QueueStore store, TimeProvider time, ILogger<QueueKeeper> logger)
    : ILifecycleParticipant<ISiloLifecycle>
{
    private readonly CancellationTokenSource _stop = new();
    private Task? _loop;

    /// <inheritdoc />
    public void Participate(ISiloLifecycle lifecycle) =>
        lifecycle.Subscribe(nameof(QueueKeeper), ServiceLifecycleStage.Active, OnStartAsync, OnStopAsync);

    private async Task OnStartAsync(CancellationToken cancellationToken)
    {
        if (options.Value.Definitions.Count > 0)
        {
            await CheckPartitionCountsAsync();
            _loop = Task.Run(() => RunAsync(_stop.Token), CancellationToken.None);
        }
    }

    /// <summary>
    /// Records each queue's partition count in Redis the first time, and refuses to start (naming the setting) when a
    /// definition's count differs from the recorded one: jobs routed over the old count would be stranded, and per-key
    /// order and deduplication would break.
    /// </summary>
    public async Task CheckPartitionCountsAsync()
    {
        var errors = new List<string>();
        foreach (var (name, definition) in options.Value.Definitions)
        {
            var (stored, key) = await store.ClaimPartitionCountAsync(name, definition.Partitions);
            if (stored != definition.Partitions)
            {
                errors.Add(
                    $"{QueueOptions.SectionName}:Definitions:{name}:Partitions is {definition.Partitions}, but the queue's jobs in Redis are spread over " +
                    $"{stored} partitions: a different count would strand jobs and break per-key order and deduplication. Set it back to {stored}, " +
                    $"or drain the queue and delete the Redis key '{key}' before changing it.");
            }
        }

        if (errors.Count > 0)
        {
            throw new OptionsValidationException(QueueOptions.SectionName, typeof(QueueOptions), errors);
        }
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
