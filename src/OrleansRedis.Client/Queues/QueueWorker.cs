using System.Collections.Concurrent;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using OrleansRedis.Abstractions.Queues;

namespace OrleansRedis.Client.Queues;

/// <summary>
/// An external worker of one queue, run as a hosted service (<c>AddOrleansRedisQueueWorker</c>): it leases jobs in
/// batches with a long poll (never more than its free slots), runs the handler on up to
/// <see cref="QueueWorkerOptions.Concurrency"/> jobs at once, extends each running job's lease every
/// <see cref="QueueWorkerOptions.HeartbeatInterval"/>, and completes the job with the handler's result or fails it with
/// the handler's exception (retried with backoff, or after <see cref="QueueJobContext.RetryAfter"/>, then dead). It
/// calls the queue's partitions directly (a job id names its partition). A completion also leases the freed slot's next
/// job from the same partition in the same call, and the completions of slots that finish together go to their
/// partition in one call (<see cref="IQueuePartitionGrain.CompleteManyAndLeaseAsync"/>); when that partition has
/// nothing ready, the slot goes back to the long poll.
/// </summary>
/// <remarks>
/// <para>A job whose lease is lost (refused heartbeat, cancelled job, lease run out while Redis was away) has its
/// handler's token cancelled and is neither completed nor failed: it belongs to its next lease now.</para>
/// <para>Stopping: the worker stops leasing at once, then waits for its running jobs until the host's shutdown timeout
/// (or <see cref="QueueWorkerOptions.DrainTimeout"/>); jobs still running then are returned: their handlers are
/// cancelled and the jobs released, so another worker starts them at once (the attempt does not count). A stop cuts the
/// long poll's wait but never a call that leases, and jobs leased as the stop began are released too, so a worker never
/// holds a lease it has not started and nothing waits out a lease after a stop.</para>
/// <para>Timers (heartbeats, retry pauses, the drain) run on the injected <see cref="TimeProvider"/>; leases are timed
/// by Redis.</para>
/// </remarks>
public sealed partial class QueueWorker : BackgroundService
{
    // Resolved on first use: the Orleans client knows its grain interfaces only once it has connected, which happens in
    // its own hosted service, after this one was constructed.
    private readonly Lazy<IQueueGrain> _grain;
    private readonly IGrainFactory _grains;
    private readonly QueueWorkerOptions _options;
    private readonly Func<QueueJobContext, CancellationToken, Task<string?>> _handler;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private readonly IHostApplicationLifetime? _lifetime;
    private readonly SemaphoreSlim _slots;
    private readonly ConcurrentDictionary<long, Task> _running = new();
    private readonly CancellationTokenSource _abort = new();
    private long _sequence;
    private long _completed;
    private long _failed;
    private long _returned;
    private long _lost;
    private volatile bool _stopping;

    private IQueueGrain QueueGrain => _grain.Value;

    internal QueueWorker(
        IGrainFactory grains,
        QueueWorkerOptions options,
        Func<QueueJobContext, CancellationToken, Task<string?>> handler,
        TimeProvider time,
        ILogger logger,
        IHostApplicationLifetime? lifetime)
    {
        _grain = new Lazy<IQueueGrain>(() => grains.GetGrain<IQueueGrain>(options.Queue));
        _grains = grains;
        _options = options;
        _handler = handler;
        _time = time;
        _logger = logger;
        _lifetime = lifetime;
        _slots = new SemaphoreSlim(options.Concurrency, options.Concurrency);
        _routes = new PartitionRoutes(this);
    }

    /// <summary>Gets the queue this worker serves.</summary>
    public string Queue => _options.Queue;

    /// <summary>Gets how many jobs run now.</summary>
    public int RunningJobs => _running.Count;

    /// <summary>Gets how many jobs this worker completed.</summary>
    public long Completed => Interlocked.Read(ref _completed);

    /// <summary>Gets how many attempts this worker failed (the handler threw).</summary>
    public long Failed => Interlocked.Read(ref _failed);

    /// <summary>Gets how many unfinished jobs this worker returned when it stopped.</summary>
    public long Returned => Interlocked.Read(ref _returned);

    /// <summary>Gets how many leases this worker lost (its report was refused or its lease ran out).</summary>
    public long LeasesLost => Interlocked.Read(ref _lost);

    /// <summary>
    /// Creates a worker without dependency injection; start it with <see cref="BackgroundService.StartAsync"/> and stop
    /// it with <see cref="StopAsync"/>.
    /// </summary>
    /// <exception cref="ArgumentException"><paramref name="queue"/> cannot be a queue's name.</exception>
    /// <exception cref="OptionsValidationException"><paramref name="options"/> has bad settings.</exception>
    public static QueueWorker Create(
        IGrainFactory grains,
        string queue,
        Func<QueueJobContext, CancellationToken, Task<string?>> handler,
        QueueWorkerOptions? options = null,
        TimeProvider? time = null,
        ILogger<QueueWorker>? logger = null)
    {
        ArgumentNullException.ThrowIfNull(grains);
        ArgumentNullException.ThrowIfNull(handler);
        var value = options ?? new QueueWorkerOptions();
        value.Queue = QueueWorkerServiceCollectionExtensions.CheckQueueName(queue);
        var errors = QueueWorkerOptionsValidator.Errors(value).ToList();
        if (errors.Count > 0)
        {
            throw new OptionsValidationException(queue, typeof(QueueWorkerOptions), errors);
        }

        return new QueueWorker(grains, value, handler, time ?? TimeProvider.System, logger ?? (ILogger)NullLogger.Instance, lifetime: null);
    }

    /// <summary>
    /// Stops leasing, waits for the running jobs until <paramref name="cancellationToken"/> (the host's shutdown
    /// timeout) or <see cref="QueueWorkerOptions.DrainTimeout"/>, then returns the jobs still running.
    /// </summary>
    public override async Task StopAsync(CancellationToken cancellationToken)
    {
        LogStopping(_options.Queue, _running.Count);
        _stopping = true;
        await base.StopAsync(cancellationToken).ConfigureAwait(false);

        // The lease loop ends before any job is given back, so that its long poll cannot lease them again.
        if (ExecuteTask is { IsCompleted: false } leasing)
        {
            try
            {
                await leasing.WaitAsync(_options.ReturnTimeout, _time).ConfigureAwait(false);
            }
            catch (TimeoutException)
            {
                LogLeasingStopTimedOut(_options.Queue, _options.ReturnTimeout);
            }
        }

        using var drainTimeout = _options.DrainTimeout is { } drain ? new CancellationTokenSource(drain, _time) : new CancellationTokenSource();
        using var drainEnd = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, drainTimeout.Token);
        try
        {
            await Task.WhenAll(_running.Values).WaitAsync(drainEnd.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (drainEnd.IsCancellationRequested)
        {
            LogReturning(_options.Queue, _running.Count);
            await _abort.CancelAsync().ConfigureAwait(false);
            try
            {
                await Task.WhenAll(_running.Values).WaitAsync(_options.ReturnTimeout, _time).ConfigureAwait(false);
            }
            catch (TimeoutException)
            {
                LogReturnTimedOut(_options.Queue, _running.Count, _options.ReturnTimeout);
            }
        }

        LogStopped(_options.Queue, Completed, Failed, Returned);
    }

    /// <inheritdoc />
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        // In a host, the cluster client starts with the other hosted services: lease once they all have.
        if (_lifetime is not null && !await StartedAsync(_lifetime, stoppingToken).ConfigureAwait(false))
        {
            return;
        }

        var batch = _options.EffectiveBatchSize;
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                await _slots.WaitAsync(stoppingToken).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                return;
            }

            var free = 1;
            while (free < batch && _slots.Wait(0))
            {
                free++;
            }

            var leasedAt = _time.GetTimestamp();
            IReadOnlyList<LeasedJob> jobs;
            try
            {
                // Stopping cuts the wait but never a call that leases (its answer would be dropped with its leases).
                jobs = await LeaseAsync(free, stoppingToken).ConfigureAwait(false);
            }
            catch (QueueException ex) when (ex.Code == QueueErrorCode.Invalid)
            {
                // The queue refuses this worker's settings (a LeaseTime above its MaxLeaseTime): every later lease would be
                // refused too, so the worker stops (its hosted service faults) rather than retrying for ever.
                _slots.Release(free);
                LogLeaseRefused(ex, _options.Queue, ex.Field, ex.Message);
                throw new OptionsValidationException(
                    _options.Queue, typeof(QueueWorkerOptions), [$"The worker of queue '{_options.Queue}': the queue refuses its leases ({ex.Field}: {ex.Message}); LeaseTime must be within the queue's MaxLeaseTime (it was {_options.LeaseTime})."]);
            }
            catch (Exception ex)
            {
                _slots.Release(free);
                if (stoppingToken.IsCancellationRequested)
                {
                    return;
                }

                LogLeaseFailed(ex, _options.Queue, ex.GetType().Name, ex.Message);
                if (!await PauseAsync(stoppingToken).ConfigureAwait(false))
                {
                    return;
                }

                continue;
            }

            if (jobs.Count < free)
            {
                _slots.Release(free - jobs.Count);
            }

            if (stoppingToken.IsCancellationRequested)
            {
                // Answered as the stop began (the jobs came ready while the wait was being cut): hand them straight back.
                foreach (var job in jobs)
                {
                    await ReturnAsync(new JobLease(job, leasedAt + Ticks(_options.LeaseTime))).ConfigureAwait(false);
                    _slots.Release();
                }

                return;
            }

            foreach (var job in jobs)
            {
                Start(job, leasedAt);
            }

            // An empty answer long before the wait ended (a capped or paused queue answering at once) must not spin.
            if (jobs.Count == 0 && _time.GetElapsedTime(leasedAt) < _options.MaxWait / 2 && !await PauseAsync(stoppingToken).ConfigureAwait(false))
            {
                return;
            }
        }
    }

    private static async Task<bool> StartedAsync(IHostApplicationLifetime lifetime, CancellationToken stoppingToken)
    {
        var started = new TaskCompletionSource<bool>(TaskCreationOptions.RunContinuationsAsynchronously);
        using var onStarted = lifetime.ApplicationStarted.Register(() => started.TrySetResult(true));
        using var onStopping = stoppingToken.Register(() => started.TrySetResult(false));
        return await started.Task.ConfigureAwait(false);
    }

    private async Task<bool> PauseAsync(CancellationToken stoppingToken)
    {
        try
        {
            await Task.Delay(_options.RetryDelay, _time, stoppingToken).ConfigureAwait(false);
            return true;
        }
        catch (OperationCanceledException)
        {
            return false;
        }
    }

    private void Start(LeasedJob job, long leasedAt)
    {
        var id = Interlocked.Increment(ref _sequence);
        var run = Task.Run(() => RunSlotAsync(new JobLease(job, leasedAt + Ticks(_options.LeaseTime))));
        _running[id] = run;
        _ = run.ContinueWith(
            _ =>
            {
                _running.TryRemove(id, out Task? _);
                _slots.Release();
            },
            CancellationToken.None, TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default);
    }

    private long Ticks(TimeSpan span) => (long)(span.TotalSeconds * _time.TimestampFrequency);
}
