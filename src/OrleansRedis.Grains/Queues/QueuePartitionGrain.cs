using System.Globalization;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Orleans.Concurrency;
using Orleans.Runtime;
using OrleansRedis.Abstractions.Queues;
using OrleansRedis.Grains.RateLimiting;
using OrleansRedis.Grains.Realtime;
using OrleansRedis.Redis;
using OrleansRedis.Redis.Queues;
using OrleansRedis.Abstractions.Diagnostics;

namespace OrleansRedis.Grains.Queues;

/// <summary>
/// One queue partition; see <see cref="IQueuePartitionGrain"/>. Redis holds every job and decides every transition
/// (<see cref="QueueStore"/>); the grain coalesces concurrent enqueues and completions into one script per turn, holds
/// waiting workers (woken by enqueues, retries, due delayed jobs and resumes, never by polling), arms one timer for the
/// next due delayed job or lease expiry, and dispatches to in-silo handlers when the queue has one. Reentrant: every
/// state change is in a script, and the in-memory parts run on the grain's single-threaded scheduler.
/// </summary>
[GrainType("queue-partition")]
[Reentrant]
public sealed partial class QueuePartitionGrain(
    QueueStore store,
    IOptions<QueueOptions> options,
    QueueMetrics metrics,
    IEnumerable<QueueHandlerRegistration> handlers,
    ILocalSiloDetails silo,
    IClusterMembershipService membership,
    TimeProvider time,
    IServiceProvider services,
    ITopicPublisher publisher,
    ILogger<QueuePartitionGrain> logger) : Grain, IQueuePartitionGrain
{
    // A timer never sleeps longer than this, so a due time written by another writer (a duplicate activation) is seen.
    private static readonly TimeSpan LongestSleep = TimeSpan.FromSeconds(10);
    private const int MaxEndedWaits = 1024;
    private static readonly TimeSpan RetryAfterError = TimeSpan.FromSeconds(1);
    private const int HandlerSlots = 64;

    // The most jobs and payload characters one enqueue script carries (coalesced requests beyond them take more scripts).
    public const int MaxScriptJobs = 1000;
    public const long MaxScriptBytes = 1 << 20;

    // The most completions one complete script carries.
    private const int MaxScriptCompletions = 512;

    private readonly Dictionary<string, string> _inflight = new(StringComparer.Ordinal);
    private string _queue = string.Empty;
    private int _partition;
    private QueueDefinition? _definition;
    private QueuePartitionKeys? _keys;
    private QueuePartitionLimits? _limits;
    private Task? _activation;
    private bool _active;
    private readonly Dictionary<Guid, CancellationTokenSource> _waits = [];
    private readonly HashSet<Guid> _endedWaits = [];
    private long _epoch;
    private bool _hasHandler;
    private bool _mayHaveWork = true;
    private long _signals;
    private TaskCompletionSource _work = NewSignal();
    private RequestCoalescer<IReadOnlyList<QueueJobDraft>, (bool Accepted, EnqueueResult?[] Results)>? _enqueues;
    private RequestCoalescer<CompletionRequest, (bool[] Ok, IReadOnlyList<LeasedJob> Leased)>? _completions;
    private IGrainTimer? _timer;
    private long _timerAtMs = long.MaxValue;
    private long _clockOffsetMs;
    private long? _dueMs;
    private long? _leaseMs;
    private long? _rateMs;
    private QueueRateGate? _rate;
    private JobEvents? _events;
    private bool _pumping;
    private bool _pumpAgain;
    private bool _stopping;
    private readonly CancellationTokenSource _watch = new();

    /// <inheritdoc />
    public override Task OnActivateAsync(CancellationToken cancellationToken)
    {
        var id = this.GetPrimaryKeyString();
        var hash = id.LastIndexOf('#');
        var name = hash > 0 ? id[..hash] : id;
        if (hash > 0 && int.TryParse(id.AsSpan(hash + 1), NumberStyles.None, CultureInfo.InvariantCulture, out var partition)
            && options.Value.Find(name) is { } found && partition < found.Definition.Partitions)
        {
            _queue = found.Name;
            _partition = partition;
            _definition = found.Definition;
            _keys = store.Partition(_queue, _partition);
            _limits = Limits(found.Definition, options.Value);
            _hasHandler = handlers.Any(h => string.Equals(h.Queue, found.Name, StringComparison.OrdinalIgnoreCase));
            if (found.Definition.RateLimitPolicy is { } policy
                && ActivatorUtilities.GetServiceOrCreateInstance<RateLimitPolicies>(services).TryGet(policy, out var resolved))
            {
                _rate = new QueueRateGate(ActivatorUtilities.GetServiceOrCreateInstance<Redis.RateLimiting.RateLimitStore>(services), resolved, found.Name);
            }

            _events = new JobEvents(publisher, metrics, found.Name, found.Definition.PublishEvents);
            _enqueues = new(EnqueueBatchAsync, 64);
            _completions = new(CompleteBatchAsync, 512);
        }
        else
        {
            _queue = name;
        }

        return Task.CompletedTask;
    }

    /// <inheritdoc />
    public override Task OnDeactivateAsync(DeactivationReason reason, CancellationToken cancellationToken)
    {
        _stopping = true;
        _timer?.Dispose();
        _watch.Cancel();
        metrics.Depth(_queue, _partition, null);
        Signal();
        return Task.CompletedTask;
    }

    /// <inheritdoc />
    public Task<IReadOnlyList<EnqueueResult>> EnqueueAsync(IReadOnlyList<JobSpec> jobs) =>
        OrleansRedisActivitySources.Run(QueueTracing.Start("queue.enqueue", _queue, _partition), EnqueueCoreAsync(jobs), QueueTracing.Enqueued);

    private async Task<IReadOnlyList<EnqueueResult>> EnqueueCoreAsync(IReadOnlyList<JobSpec> jobs)
    {
        var definition = Definition;
        if (jobs is not { Count: > 0 })
        {
            throw QueueRequests.Invalid(_queue, "jobs", "At least one job is required.");
        }

        if (jobs.Count > options.Value.MaxBulk)
        {
            throw QueueRequests.Invalid(_queue, "jobs", $"A bulk enqueue may carry at most {options.Value.MaxBulk} jobs (it had {jobs.Count}).");
        }

        var drafts = new QueueJobDraft[jobs.Count];
        for (var i = 0; i < jobs.Count; i++)
        {
            drafts[i] = QueueRequests.Draft(_queue, _partition, jobs[i], definition, options.Value);
        }

        await EnsureActivatedAsync();
        var (accepted, results) = await _enqueues!.Enqueue(drafts).Task;
        if (!accepted)
        {
            throw new QueueException(QueueErrorCode.QueueFull, _queue,
                $"The queue '{_queue}' is at its depth cap ({definition.MaxDepth} unfinished jobs); nothing was enqueued.") { RetryAfter = RetryAfterError };
        }

        return results!;
    }

    /// <inheritdoc />
    public Task<IReadOnlyList<LeasedJob>> LeaseAsync(string worker, int max, TimeSpan lease, TimeSpan wait, CancellationToken cancellationToken = default) =>
        OrleansRedisActivitySources.Run(QueueTracing.Start("queue.lease", _queue, _partition), LeaseCoreAsync(worker, max, lease, wait, cancellationToken), QueueTracing.Leased);

    /// <inheritdoc />
    public Task<IReadOnlyList<LeasedJob>> LeaseOrWaitAsync(string worker, int max, TimeSpan lease, TimeSpan wait, Guid waitId) =>
        OrleansRedisActivitySources.Run(QueueTracing.Start("queue.lease", _queue, _partition), LeaseOrWaitCoreAsync(worker, max, lease, wait, waitId), QueueTracing.Leased);

    private async Task<IReadOnlyList<LeasedJob>> LeaseOrWaitCoreAsync(string worker, int max, TimeSpan lease, TimeSpan wait, Guid waitId)
    {
        if (_endedWaits.Remove(waitId))
        {
            return [];
        }

        using var ended = new CancellationTokenSource();
        _waits[waitId] = ended;
        try
        {
            return await LeaseCoreAsync(worker, max, lease, wait, CancellationToken.None, ended.Token);
        }
        finally
        {
            _waits.Remove(waitId);
        }
    }

    /// <inheritdoc />
    public Task EndWaitAsync(Guid waitId)
    {
        if (_waits.TryGetValue(waitId, out var wait))
        {
            wait.Cancel();
        }
        else
        {
            // Ahead of its wait (calls are not ordered), or after it answered: remembered a while, so a late wait ends.
            if (_endedWaits.Count >= MaxEndedWaits)
            {
                _endedWaits.Clear();
            }

            _endedWaits.Add(waitId);
        }

        return Task.CompletedTask;
    }

    private async Task<IReadOnlyList<LeasedJob>> LeaseCoreAsync(
        string worker, int max, TimeSpan lease, TimeSpan wait, CancellationToken cancellationToken = default, CancellationToken waitEnded = default)
    {
        var definition = Definition;
        QueueRequests.CheckWorker(_queue, worker);
        QueueRequests.CheckMax(_queue, max);
        var leaseMs = QueueRequests.LeaseMs(_queue, lease, definition);
        var bound = QueueRequests.Wait(_queue, wait, options.Value);
        await EnsureActivatedAsync();
        var deadline = time.GetTimestamp() + (long)(bound.TotalSeconds * time.TimestampFrequency);
        while (true)
        {
            // Take the signal before leasing: work that arrives during the lease script completes it.
            var signal = _work.Task;
            var jobs = await LeaseCoreAsync(max, leaseMs, silo: false, worker);
            if (jobs.Count > 0 && cancellationToken.IsCancellationRequested)
            {
                // The caller is gone (its call was cancelled while the script ran): hand the jobs back unrun.
                await ReleaseLeasedAsync(jobs);
                return [];
            }

            if (jobs.Count > 0)
            {
                return jobs;
            }

            var left = time.GetElapsedTime(time.GetTimestamp(), deadline);
            if (time.GetTimestamp() >= deadline || cancellationToken.IsCancellationRequested || waitEnded.IsCancellationRequested || _stopping)
            {
                return [];
            }

            using var either = waitEnded.CanBeCanceled ? CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, waitEnded) : null;
            if (!await WaitSignalAsync(signal, left, either?.Token ?? cancellationToken))
            {
                return [];
            }
        }
    }

    /// <inheritdoc />
    public async Task<bool> WaitForWorkAsync(TimeSpan wait, CancellationToken cancellationToken = default)
    {
        _ = Definition;
        var bound = QueueRequests.Wait(_queue, wait, options.Value);
        await EnsureActivatedAsync();
        if (_mayHaveWork)
        {
            return true;
        }

        await WaitSignalAsync(_work.Task, bound, cancellationToken);
        return _mayHaveWork;
    }

    /// <inheritdoc />
    public async Task<DateTimeOffset> HeartbeatAsync(string jobId, string leaseToken, TimeSpan? lease = null, string? progress = null)
    {
        var definition = Definition;
        CheckOwnJob(jobId);
        QueueRequests.CheckToken(_queue, leaseToken);
        QueueRequests.CheckProgress(_queue, progress);
        var leaseMs = QueueRequests.LeaseMs(_queue, lease, definition);
        await EnsureActivatedAsync();
        var outcome = await store.HeartbeatAsync(_keys!, _limits!, jobId, leaseToken, leaseMs, progress)
            ?? throw QueueRequests.LeaseLost(_queue, jobId);
        NoteLease(outcome.EarliestLeaseMs);
        if (progress is not null)
        {
            _events!.Publish(JobEvents.Progress, jobId, outcome.Subject, progress);
        }

        return DateTimeOffset.FromUnixTimeMilliseconds(outcome.UntilMs);
    }

    /// <inheritdoc />
    public Task CompleteAsync(string jobId, string leaseToken, string? result = null) =>
        OrleansRedisActivitySources.Run(QueueTracing.Start("queue.complete", _queue, _partition, jobId), CompleteCoreAsync(jobId, leaseToken, result));

    private async Task CompleteCoreAsync(string jobId, string leaseToken, string? result = null)
    {
        _ = Definition;
        await CheckCompletionAsync(jobId, leaseToken, result);
        var (ok, _) = await _completions!.Enqueue(new CompletionRequest([new JobCompletion(jobId, leaseToken, result)], null, 0, 0)).Task;
        Finished(jobId);
        if (!ok[0])
        {
            throw QueueRequests.LeaseLost(_queue, jobId);
        }
    }

    /// <inheritdoc />
    public Task<JobCompletions> CompleteManyAndLeaseAsync(IReadOnlyList<JobCompletion> completions, string worker, int max, TimeSpan lease) =>
        OrleansRedisActivitySources.Run(QueueTracing.Start("queue.complete", _queue, _partition), CompleteManyAndLeaseCoreAsync(completions, worker, max, lease), QueueTracing.CompletedMany);

    private async Task<JobCompletions> CompleteManyAndLeaseCoreAsync(IReadOnlyList<JobCompletion> completions, string worker, int max, TimeSpan lease)
    {
        var definition = Definition;
        QueueRequests.CheckWorker(_queue, worker);
        if (completions is not { Count: > 0 and <= QueueRequests.MaxLeaseBatch })
        {
            throw QueueRequests.Invalid(_queue, "completions", $"A batch carries 1-{QueueRequests.MaxLeaseBatch} completions (it had {completions?.Count ?? 0}).");
        }

        if (max != 0)
        {
            QueueRequests.CheckMax(_queue, max);
        }

        var leaseMs = QueueRequests.LeaseMs(_queue, lease, definition);
        var statuses = new JobCompletionStatus[completions.Count];
        var reasons = new string?[completions.Count];
        var valid = new List<JobCompletion>(completions.Count);
        var indexes = new List<int>(completions.Count);
        for (var i = 0; i < completions.Count; i++)
        {
            var completion = completions[i];
            try
            {
                CheckOwnJob(completion?.JobId!);
                QueueRequests.CheckToken(_queue, completion!.LeaseToken);
                QueueRequests.CheckPayload(_queue, "result", completion.Result, options.Value.MaxPayloadBytes, required: false);
                valid.Add(completion);
                indexes.Add(i);
            }
            catch (QueueException ex)
            {
                // One bad completion does not hold the others back: a job not of this partition (or a malformed token)
                // is not held by the caller's lease; a result too large leaves the lease to the caller's failure.
                statuses[i] = ex.Code == QueueErrorCode.Invalid && completion is not null && IsOwnJob(completion.JobId) && QueueLimits.IsValidToken(completion.LeaseToken)
                    ? JobCompletionStatus.Refused
                    : JobCompletionStatus.LeaseLost;
                reasons[i] = statuses[i] == JobCompletionStatus.Refused ? ex.Message : null;
            }
        }

        await EnsureActivatedAsync();
        var (ok, leased) = await _completions!.Enqueue(new CompletionRequest(valid, worker, leaseMs, max)).Task;
        for (var j = 0; j < valid.Count; j++)
        {
            statuses[indexes[j]] = ok[j] ? JobCompletionStatus.Completed : JobCompletionStatus.LeaseLost;
            Finished(valid[j].JobId);
        }

        return new JobCompletions(statuses, reasons, leased);
    }

    /// <inheritdoc />
    public Task<IReadOnlyList<LeasedJob>> CompleteAndLeaseAsync(string jobId, string leaseToken, string? result, string worker, int max, TimeSpan lease) =>
        OrleansRedisActivitySources.Run(QueueTracing.Start("queue.complete", _queue, _partition, jobId), CompleteAndLeaseCoreAsync(jobId, leaseToken, result, worker, max, lease), QueueTracing.Leased);

    private async Task<IReadOnlyList<LeasedJob>> CompleteAndLeaseCoreAsync(string jobId, string leaseToken, string? result, string worker, int max, TimeSpan lease)
    {
        var definition = Definition;
        QueueRequests.CheckWorker(_queue, worker);
        if (max != 0)
        {
            QueueRequests.CheckMax(_queue, max);
        }

        var leaseMs = QueueRequests.LeaseMs(_queue, lease, definition);
        await CheckCompletionAsync(jobId, leaseToken, result);
        var (ok, leased) = await _completions!.Enqueue(new CompletionRequest([new JobCompletion(jobId, leaseToken, result)], worker, leaseMs, max)).Task;
        Finished(jobId);
        if (!ok[0])
        {
            // The token no longer held the job: what the call leased goes back unstarted, as the caller learns of the loss.
            await ReleaseLeasedAsync(leased);
            throw QueueRequests.LeaseLost(_queue, jobId);
        }

        return leased;
    }

    /// <inheritdoc />
    public Task<JobFailResult> FailAsync(string jobId, string leaseToken, string error, TimeSpan? retryAfter = null) =>
        OrleansRedisActivitySources.Run(QueueTracing.Start("queue.fail", _queue, _partition, jobId), FailCoreAsync(jobId, leaseToken, error, retryAfter), QueueTracing.Failed);

    private async Task<JobFailResult> FailCoreAsync(string jobId, string leaseToken, string error, TimeSpan? retryAfter = null)
    {
        _ = Definition;
        CheckOwnJob(jobId);
        QueueRequests.CheckToken(_queue, leaseToken);
        QueueRequests.CheckRetryAfter(_queue, retryAfter);
        await EnsureActivatedAsync();
        var outcome = await store.FailAsync(_keys!, _limits!, jobId, leaseToken, QueueRequests.Error(error), (long?)retryAfter?.TotalMilliseconds);
        Finished(jobId);
        NoteDue(outcome.DueMs);
        if (outcome.Woke || Freed(outcome.Status is "retry" or "dead" ? 1 : 0))
        {
            Signal();
        }

        switch (outcome.Status)
        {
            case "retry":
                metrics.Failed(_queue, "error", outcome.RunMs, dead: false);
                var next = DateTimeOffset.FromUnixTimeMilliseconds(outcome.RetryAtMs!.Value);
                _events!.Publish(JobEvents.Failed, jobId, outcome.Subject, error: QueueRequests.Error(error), nextAttemptAtUtc: next);
                return new JobFailResult(JobState.Failed, next);
            case "dead":
                metrics.Failed(_queue, "error", outcome.RunMs, dead: true);
                _events!.Publish(JobEvents.Dead, jobId, outcome.Subject, error: QueueRequests.Error(error));
                return new JobFailResult(JobState.Dead, null);
            default:
                throw QueueRequests.LeaseLost(_queue, jobId);
        }
    }

    /// <inheritdoc />
    public async Task ReleaseAsync(string jobId, string leaseToken)
    {
        _ = Definition;
        CheckOwnJob(jobId);
        QueueRequests.CheckToken(_queue, leaseToken);
        await EnsureActivatedAsync();
        var (released, woke, earliest) = await store.ReleaseAsync(_keys!, _limits!, jobId, leaseToken);
        Finished(jobId);
        if (woke)
        {
            Signal();
        }

        if (!released)
        {
            throw QueueRequests.LeaseLost(_queue, jobId);
        }

        NoteLease(earliest);
    }

    private async Task ReleaseLeasedAsync(IReadOnlyList<LeasedJob> jobs)
    {
        foreach (var job in jobs)
        {
            try
            {
                await ReleaseAsync(job.Id, job.LeaseToken);
            }
            catch (Exception ex)
            {
                LogReleaseFailed(ex, _queue, _partition, job.Id);
            }
        }
    }

    /// <inheritdoc />
    public async Task<JobInfo?> GetJobAsync(string jobId)
    {
        _ = Definition;
        if (!IsOwnJob(jobId))
        {
            return null;
        }

        return await store.ReadJobAsync(_keys!, _queue, jobId);
    }

    /// <inheritdoc />
    public async Task<JobInfo?> CancelAsync(string jobId)
    {
        _ = Definition;
        if (!IsOwnJob(jobId))
        {
            return null;
        }

        await EnsureActivatedAsync();
        var (status, woke, due) = await store.CancelAsync(_keys!, _limits!, jobId);
        if (status == "missing")
        {
            return null;
        }

        if (_inflight.TryGetValue(jobId, out var handler))
        {
            GrainFactory.GetGrain<IQueueHandlerGrain>(handler).RevokeAsync(jobId).Ignore();
        }

        Finished(jobId);
        NoteDue(due);
        if (woke || Freed(status == "cancelled" ? 1 : 0))
        {
            Signal();
        }

        return await store.ReadJobAsync(_keys!, _queue, jobId);
    }

    /// <inheritdoc />
    public async Task<int> RollbackAsync(IReadOnlyList<string> jobIds)
    {
        _ = Definition;
        var own = jobIds?.Where(IsOwnJob).ToList() ?? [];
        if (own.Count == 0)
        {
            return 0;
        }

        await EnsureActivatedAsync();
        var (removed, woke, due) = await store.RollbackAsync(_keys!, _limits!, own);
        NoteDue(due);
        if (woke)
        {
            Signal();
        }

        return removed;
    }

    /// <inheritdoc />
    public async Task<QueueStats> GetStatsAsync()
    {
        _ = Definition;
        await EnsureActivatedAsync();
        var f = await store.StatsAsync(_keys!, _limits!);
        metrics.Depth(_queue, _partition, f.Depth);
        long C(string name) => f.Counters.TryGetValue(name, out var v) ? v : 0;
        var now = DateTimeOffset.FromUnixTimeMilliseconds(f.NowMs);
        return new QueueStats(
            _queue, 1, f.Paused, Math.Max(0, f.Depth - f.Delayed - f.Active), f.Delayed, f.Active, f.Dead, f.Depth,
            f.OldestReadyMs is { } oldest ? TimeSpan.FromMilliseconds(Math.Max(0, f.NowMs - oldest)) : null,
            C("enqueued"), C("started"), C("completed"), C("failed"), C("retried"), C("dead"), C("cancelled"), C("deduped"), now);
    }

    /// <inheritdoc />
    public async Task SetPausedAsync(bool paused)
    {
        _ = Definition;
        await EnsureActivatedAsync();
        await store.SetPausedAsync(_keys!, paused);
        if (!paused)
        {
            Signal();
        }
    }

    /// <inheritdoc />
    public async Task<IReadOnlyList<DeadJob>> GetDeadAsync(int limit)
    {
        _ = Definition;
        if (limit is < 1 or > 1000)
        {
            throw QueueRequests.Invalid(_queue, "limit", $"The limit must be between 1 and 1000 (it was {limit}).");
        }

        return await store.ListDeadAsync(_keys!, _limits!, limit);
    }

    /// <inheritdoc />
    public async Task<bool> RetryDeadAsync(string jobId)
    {
        _ = Definition;
        if (!IsOwnJob(jobId))
        {
            return false;
        }

        await EnsureActivatedAsync();
        var (retried, woke) = await store.RetryDeadAsync(_keys!, _limits!, jobId);
        if (woke)
        {
            Signal();
        }

        return retried;
    }

    /// <inheritdoc />
    public async Task<long> PurgeDeadAsync(DateTimeOffset? olderThanUtc)
    {
        _ = Definition;
        return await store.PurgeDeadAsync(_keys!, _limits!, olderThanUtc?.ToUnixTimeMilliseconds());
    }

    /// <inheritdoc />
    public Task<SiloAddress> GetSiloAsync() => Task.FromResult(silo.SiloAddress);

    /// <inheritdoc />
    public async Task PingAsync()
    {
        _ = Definition;
        await EnsureActivatedAsync();
    }

    private QueueDefinition Definition => _definition ?? throw QueueRequests.UnknownQueue(_queue);

    internal static QueuePartitionLimits Limits(QueueDefinition d, QueueOptions options) => new(
        (d.MaxDepth + d.Partitions - 1) / d.Partitions,
        (long)d.IdempotencyWindow.TotalMilliseconds,
        (long)d.Retention.TotalMilliseconds,
        (long)d.DeadRetention.TotalMilliseconds,
        d.MaxDead,
        (long)d.BackoffMax.TotalMilliseconds,
        d.MaxConcurrency is { } cap ? (cap + d.Partitions - 1) / d.Partitions : 0);

    private static TaskCompletionSource NewSignal() => new(TaskCreationOptions.RunContinuationsAsynchronously);

    private Task EnsureActivatedAsync()
    {
        if (_activation is { IsCompletedSuccessfully: true })
        {
            return Task.CompletedTask;
        }

        if (_activation is null || _activation.IsFaulted || _activation.IsCanceled)
        {
            _activation = ActivateCoreAsync();
        }

        return _activation;
    }

    private async Task ActivateCoreAsync()
    {
        var (epoch, created, _, nowMs) = await store.ActivateAsync(_keys!, _limits!);
        _epoch = epoch;
        NoteClock(nowMs);
        if (created > 0)
        {
            LogGroupsCreated(_queue, _partition, created);
        }

        // Silo-kind leases of earlier epochs belonged to handlers of a previous activation: redeliver them now.
        var outcome = await store.MaintainAsync(_keys!, _limits!, sweepEpoch: epoch, epoch);
        Apply(outcome);
        LogActivated(_queue, _partition, epoch, outcome.Redelivered.Length);
        // Active from here, not when this task completes: the pump started now (the jobs just redelivered, the ones that
        // were ready) would otherwise find the activation still running, do nothing, and wait for the next signal or
        // timer, seconds away when no enqueue wakes the partition.
        _active = true;
        _ = PumpAsync();
        if (_hasHandler)
        {
            _ = WatchMembershipAsync();
        }
    }

    // A silo that dies takes its handler grains with it, often without this partition: redeliver the silo leases it
    // held as soon as membership declares it dead, rather than when their leases run out.
    private async Task WatchMembershipAsync()
    {
        var dead = new HashSet<SiloAddress>();
        var first = true;
        try
        {
            await foreach (var snapshot in membership.MembershipUpdates.WithCancellation(_watch.Token))
            {
                foreach (var (address, member) in snapshot.Members)
                {
                    // Silos already dead when this activation started held no lease of its epoch (the activation sweep
                    // redelivered older ones).
                    if (member.Status == SiloStatus.Dead && dead.Add(address) && !first && !_stopping)
                    {
                        try
                        {
                            var outcome = await store.MaintainAsync(_keys!, _limits!, sweepEpoch: 0, _epoch, "silo:" + address.ToParsableString());
                            LogSiloLeasesRedelivered(_queue, _partition, address.ToParsableString(), outcome.Redelivered.Length + outcome.Killed.Length);
                            Apply(outcome);
                        }
                        catch (Exception ex)
                        {
                            LogMaintainFailed(ex, _queue, _partition);
                        }
                    }
                }

                first = false;
            }
        }
        catch (OperationCanceledException)
        {
            // Deactivated.
        }
    }

    private async Task<IReadOnlyList<(bool Accepted, EnqueueResult?[] Results)>> EnqueueBatchAsync(IReadOnlyList<IReadOnlyList<QueueJobDraft>> groups)
    {
        var answers = new List<(bool, EnqueueResult?[])>(groups.Count);
        foreach (var chunk in ScriptChunks(groups, MaxScriptJobs, MaxScriptBytes))
        {
            var outcome = await store.EnqueueAsync(_keys!, _limits!, chunk);
            NoteClock(outcome.NowMs);
            metrics.Depth(_queue, _partition, outcome.Depth);
            var offset = 0;
            var added = 0;
            for (var g = 0; g < chunk.Count; g++)
            {
                var slice = outcome.Results.AsSpan(offset, chunk[g].Count).ToArray();
                offset += chunk[g].Count;
                answers.Add((outcome.Accepted[g], slice));
                added += outcome.Accepted[g] ? slice.Count(r => r is { Deduplicated: false }) : 0;
            }

            if (added > 0)
            {
                metrics.Enqueued(_queue, added);
            }

            NoteDue(outcome.DueMs);
            if (outcome.Woke)
            {
                Signal();
            }
        }

        return answers;
    }

    /// <summary>
    /// Splits coalesced enqueue requests into scripts of at most <paramref name="maxJobs"/> jobs and
    /// <paramref name="maxBytes"/> payload bytes (a request is never split; one larger than the bounds goes alone), so
    /// one script never blocks Redis for long.
    /// </summary>
    public static List<List<IReadOnlyList<QueueJobDraft>>> ScriptChunks(IReadOnlyList<IReadOnlyList<QueueJobDraft>> groups, int maxJobs, long maxBytes)
    {
        var chunks = new List<List<IReadOnlyList<QueueJobDraft>>>();
        var current = new List<IReadOnlyList<QueueJobDraft>>();
        int jobs = 0;
        long bytes = 0;
        foreach (var group in groups)
        {
            var groupBytes = group.Sum(j => (long)j.Payload.Length);
            if (current.Count > 0 && (jobs + group.Count > maxJobs || bytes + groupBytes > maxBytes))
            {
                chunks.Add(current);
                current = [];
                jobs = 0;
                bytes = 0;
            }

            current.Add(group);
            jobs += group.Count;
            bytes += groupBytes;
        }

        if (current.Count > 0)
        {
            chunks.Add(current);
        }

        return chunks;
    }

    // One coalesced completion request: a single job's or a worker's batch, and the lease of its slots' next jobs
    // (Worker null or Max 0: none).
    private readonly record struct CompletionRequest(IReadOnlyList<JobCompletion> Completions, string? Worker, long LeaseMs, int Max);

    // Coalesced completion requests, flattened into scripts of at most MaxScriptCompletions completions; each request is
    // answered its own jobs' outcomes. The leases the requests ask for ride on the last script (one script completes
    // and leases: CompleteAndLeaseAsync) for the first worker and lease length of the turn (usually the only one); any
    // other worker's lease is a script of its own. Jobs are handed out in request order, so an early request is never
    // left short for a later one. Once completions landed, a lease that fails answers no jobs rather than an error.
    private async Task<IReadOnlyList<(bool[] Ok, IReadOnlyList<LeasedJob> Leased)>> CompleteBatchAsync(IReadOnlyList<CompletionRequest> requests)
    {
        var all = new List<(string JobId, string Token, string? Result)>();
        foreach (var request in requests)
        {
            foreach (var c in request.Completions)
            {
                all.Add((c.JobId, c.LeaseToken, c.Result));
            }
        }

        var leases = _stopping ? [] : Enumerable.Range(0, requests.Count)
            .Where(r => requests[r].Max > 0 && requests[r].Worker is not null)
            .GroupBy(r => (Worker: requests[r].Worker!, requests[r].LeaseMs))
            .ToList();
        var leased = new IReadOnlyList<LeasedJob>[requests.Count];
        var ok = new bool[all.Count];
        var freed = 0;
        var rider = leases.Count > 0 ? leases[0] : null;
        var riderMax = 0;
        var signals = _signals;
        if (rider is not null)
        {
            try
            {
                riderMax = await AllowedAsync(Math.Min(rider.Sum(r => requests[r].Max), QueueRequests.MaxLeaseBatch), signals);
            }
            catch (Exception ex)
            {
                // The rate limit's store failed: the completions still go; the workers lease through LeaseAsync instead.
                LogNextLeaseFailed(ex, _queue, _partition);
            }
        }

        QueueLeaseOutcome? riding = null;
        for (var start = 0; start < all.Count || (start == 0 && riderMax > 0); start += MaxScriptCompletions)
        {
            var chunk = all.GetRange(start, Math.Min(MaxScriptCompletions, all.Count - start));
            QueueCompleteOutcome outcome;
            if (riderMax > 0 && start + MaxScriptCompletions >= all.Count)
            {
                (outcome, riding) = await store.CompleteAndLeaseAsync(
                    _keys!, _limits!, _queue, chunk, riderMax, rider!.Key.LeaseMs, silo: false, rider.Key.Worker, _epoch);
            }
            else
            {
                outcome = await store.CompleteAsync(_keys!, _limits!, chunk);
            }

            for (var i = 0; i < chunk.Count; i++)
            {
                ok[start + i] = outcome.Ok[i];
                if (outcome.Ok[i])
                {
                    freed++;
                    metrics.Completed(_queue, outcome.RunMs[i]);
                    if (outcome.Subjects.Length > i && outcome.Subjects[i].Attempt > 0)
                    {
                        _events!.Publish(JobEvents.Completed, chunk[i].JobId, outcome.Subjects[i], chunk[i].Result);
                    }
                }
            }

            NoteDue(outcome.DueMs);
            if (outcome.Depth is { } depth)
            {
                metrics.Depth(_queue, _partition, depth);
            }

            if (outcome.Woke)
            {
                Signal();
            }
        }

        if (Freed(freed))
        {
            Signal();
        }

        foreach (var group in leases)
        {
            IReadOnlyList<LeasedJob> jobs = [];
            try
            {
                jobs = group == rider
                    ? riding is null ? [] : await LeasedAsync(riding, riderMax, signals)
                    : _stopping ? [] : await LeaseCoreAsync(Math.Min(group.Sum(r => requests[r].Max), QueueRequests.MaxLeaseBatch), group.Key.LeaseMs, silo: false, group.Key.Worker);
            }
            catch (Exception ex)
            {
                // The completions landed: the callers must learn that, and lease through LeaseAsync instead.
                LogNextLeaseFailed(ex, _queue, _partition);
            }

            var next = 0;
            foreach (var r in group)
            {
                var take = Math.Min(requests[r].Max, jobs.Count - next);
                leased[r] = take > 0 ? jobs.Skip(next).Take(take).ToArray() : [];
                next += take;
            }
        }

        var answers = new (bool[], IReadOnlyList<LeasedJob>)[requests.Count];
        var offset = 0;
        for (var r = 0; r < requests.Count; r++)
        {
            answers[r] = (ok.AsSpan(offset, requests[r].Completions.Count).ToArray(), leased[r] ?? []);
            offset += requests[r].Completions.Count;
        }

        return answers;
    }

    // Under a MaxConcurrency cap a lease may have stopped short at the cap: a freed slot is work for dispatch and long
    // polls (without a cap, a short lease means the streams are empty and nothing needs waking).
    private bool Freed(int slots) => slots > 0 && _limits!.ActiveCap > 0;

    private async Task<IReadOnlyList<LeasedJob>> LeaseCoreAsync(int max, long leaseMs, bool silo, string worker)
    {
        var signals = _signals;
        max = await AllowedAsync(max, signals);
        if (max == 0)
        {
            return [];
        }

        return await LeasedAsync(await store.LeaseAsync(_keys!, _limits!, _queue, max, leaseMs, silo, worker, _epoch), max, signals);
    }

    // How many of `max` jobs the queue's rate limit lets a lease take now (all without a limit; 0: none, the timer
    // tries again when a unit frees up).
    private async Task<int> AllowedAsync(int max, long signals)
    {
        if (_rate is null || max == 0)
        {
            return max;
        }

        var (allowed, retryAfter) = await _rate.PeekAsync(max);
        if (allowed == 0)
        {
            RateLimited(signals, retryAfter);
        }

        return allowed;
    }

    // What a lease script of `max` jobs answered, taken in: its jobs, less those the rate limit no longer admits.
    private async Task<IReadOnlyList<LeasedJob>> LeasedAsync(QueueLeaseOutcome outcome, int max, long signals)
    {
        NoteClock(outcome.NowMs);
        if (outcome.Fenced)
        {
            throw Fenced();
        }

        if (outcome.GroupsCreated > 0)
        {
            LogGroupsCreated(_queue, _partition, outcome.GroupsCreated);
        }

        for (var i = 0; i < outcome.Jobs.Count; i++)
        {
            metrics.Started(_queue, outcome.WaitMs[i]);
        }

        // A full batch may leave more behind; a short one (or a paused partition) means nothing else is ready now, unless
        // work was signalled while the script ran.
        if (signals == _signals)
        {
            _mayHaveWork = outcome.Jobs.Count == max && !outcome.Paused;
        }
        NoteDue(outcome.DueMs);
        NoteLease(outcome.LeaseMs);
        if (_rate is not null && outcome.Jobs.Count > 0)
        {
            var (admitted, retryAfter) = await _rate.TakeAsync(outcome.Jobs.Count);
            if (admitted < outcome.Jobs.Count)
            {
                // Another lease (elsewhere in the cluster) took the units between the peek and now: the rest go back.
                await ReleaseLeasedAsync([.. outcome.Jobs.Skip(admitted)]);
                RateLimited(signals, retryAfter);
                return [.. outcome.Jobs.Take(admitted)];
            }
        }

        return outcome.Jobs;
    }

    // The queue's rate limit is spent: nothing is ready for dispatch or long polls until a unit frees up (the timer).
    private void RateLimited(long signals, TimeSpan retryAfter)
    {
        metrics.RateLimited(_queue);
        if (signals == _signals)
        {
            _mayHaveWork = false;
        }

        _rateMs = time.GetUtcNow().ToUnixTimeMilliseconds() + _clockOffsetMs + (long)Math.Ceiling(retryAfter.TotalMilliseconds);
        Arm();
    }

    private void Apply(QueueMaintainOutcome outcome)
    {
        NoteClock(outcome.NowMs);
        if (outcome.Fenced)
        {
            throw Fenced();
        }

        metrics.Depth(_queue, _partition, outcome.Depth);
        for (var i = 0; i < outcome.Redelivered.Length; i++)
        {
            var id = outcome.Redelivered[i];
            metrics.Failed(_queue, "lease_expired", 0, dead: false);
            _inflight.Remove(id);
            _events!.Publish(JobEvents.Failed, id, Subject(outcome.RedeliveredSubjects, i), error: LeaseExpired);
        }

        for (var i = 0; i < outcome.Killed.Length; i++)
        {
            var id = outcome.Killed[i];
            metrics.Failed(_queue, "lease_expired", 0, dead: true);
            _inflight.Remove(id);
            _events!.Publish(JobEvents.Dead, id, Subject(outcome.KilledSubjects, i), error: LeaseExpired);
        }

        _dueMs = outcome.DueMs;
        _leaseMs = outcome.LeaseMs;
        Arm();
        if (outcome.Woke || outcome.Redelivered.Length > 0 || outcome.Killed.Length > 0)
        {
            Signal();
        }
    }

    private const string LeaseExpired = "The lease expired before the job was completed.";

    private static JobSubject Subject(JobSubject[] subjects, int i) => i < subjects.Length ? subjects[i] : default;

    // Another activation of this partition bumped the epoch (a duplicate after a membership split, or one that missed its
    // own deactivation): this one stops leasing and dispatching and goes away; the caller may try again (it reaches the
    // current activation).
    private QueueException Fenced()
    {
        if (!_stopping)
        {
            _stopping = true;
            _timer?.Dispose();
            LogFenced(_queue, _partition, _epoch);
            DeactivateOnIdle();
        }

        return new QueueException(QueueErrorCode.Unavailable, _queue,
            $"The queue '{_queue}' partition {_partition} moved to another activation; try again.") { RetryAfter = RetryAfterError };
    }

    private void Signal()
    {
        _signals++;
        _mayHaveWork = true;
        var previous = _work;
        _work = NewSignal();
        previous.TrySetResult();
        if (_hasHandler && !_stopping)
        {
            _ = PumpAsync();
        }
    }

    private async Task<bool> WaitSignalAsync(Task signal, TimeSpan bound, CancellationToken cancellationToken)
    {
        if (bound <= TimeSpan.Zero)
        {
            return signal.IsCompleted;
        }

        try
        {
            await signal.WaitAsync(bound, time, cancellationToken);
            return true;
        }
        catch (TimeoutException)
        {
            return false;
        }
        catch (OperationCanceledException)
        {
            return false;
        }
    }

    private void Finished(string jobId)
    {
        if (_inflight.Remove(jobId) && _hasHandler && !_stopping)
        {
            _ = PumpAsync();
        }
    }

    private void NoteClock(long redisNowMs) => _clockOffsetMs = redisNowMs - time.GetUtcNow().ToUnixTimeMilliseconds();

    private void NoteDue(long? dueMs)
    {
        _dueMs = dueMs;
        Arm();
    }

    private void NoteLease(long? leaseMs)
    {
        _leaseMs = leaseMs;
        Arm();
    }

    // One timer for whichever comes first: the earliest delayed job or the earliest lease expiry (both Redis times).
    private void Arm()
    {
        if (_stopping)
        {
            return;
        }

        var target = Math.Min(Math.Min(_dueMs ?? long.MaxValue, _leaseMs ?? long.MaxValue), _rateMs ?? long.MaxValue);
        var redisNow = time.GetUtcNow().ToUnixTimeMilliseconds() + _clockOffsetMs;
        var sleepMs = target == long.MaxValue ? (long)LongestSleep.TotalMilliseconds : Math.Clamp(target - redisNow + 5, 1, (long)LongestSleep.TotalMilliseconds);
        var at = redisNow + sleepMs;
        if (_timer is not null && at >= _timerAtMs - 2 && _timerAtMs > redisNow)
        {
            return; // The armed timer fires first (or at about the same time).
        }

        _timerAtMs = at;
        var after = TimeSpan.FromMilliseconds(sleepMs);
        if (_timer is null)
        {
            _timer = this.RegisterGrainTimer(
                static (grain, _) => grain.OnTimerAsync(), this,
                new GrainTimerCreationOptions(after, Timeout.InfiniteTimeSpan) { Interleave = true, KeepAlive = false });
        }
        else
        {
            _timer.Change(after, Timeout.InfiniteTimeSpan);
        }
    }

    private async Task OnTimerAsync()
    {
        _timerAtMs = long.MaxValue;
        if (_stopping || !_active)
        {
            return;
        }

        if (_rateMs is { } rateMs && rateMs <= time.GetUtcNow().ToUnixTimeMilliseconds() + _clockOffsetMs)
        {
            // A unit of the queue's rate limit freed up: dispatch and long polls lease again.
            _rateMs = null;
            Signal();
        }

        try
        {
            Apply(await store.MaintainAsync(_keys!, _limits!, sweepEpoch: 0, _epoch));
        }
        catch (Exception ex)
        {
            LogMaintainFailed(ex, _queue, _partition);
            _dueMs = time.GetUtcNow().ToUnixTimeMilliseconds() + _clockOffsetMs + (long)RetryAfterError.TotalMilliseconds;
            Arm();
        }

        // Every timer also restarts dispatch: a lease that failed (Redis timeout or restart) left ready jobs that no
        // enqueue, completion or expiry may ever signal again.
        if (_hasHandler && !_stopping)
        {
            _mayHaveWork = true;
            _ = PumpAsync();
        }
    }

    // Dispatch to in-silo handlers: lease what the free slots allow, hand each job to its handler grain (one-way), and
    // lease again when completions free slots or new work arrives.
    private async Task PumpAsync()
    {
        if (!_hasHandler || !_active)
        {
            return;
        }

        if (_pumping)
        {
            _pumpAgain = true;
            return;
        }

        _pumping = true;
        try
        {
            var definition = Definition;
            var leaseMs = (long)definition.LeaseTime.TotalMilliseconds;
            var worker = "silo:" + silo.SiloAddress.ToParsableString();
            do
            {
                _pumpAgain = false;
                // Lease when a quarter of the slots is free (or none is busy), so each script leases a batch rather
                // than the one slot the last completion freed.
                var batch = Math.Max(1, definition.HandlerConcurrency / 4);
                while (!_stopping && _mayHaveWork
                    && (definition.HandlerConcurrency - _inflight.Count >= batch || (_inflight.Count == 0 && definition.HandlerConcurrency > 0)))
                {
                    var free = Math.Min(definition.HandlerConcurrency - _inflight.Count, QueueRequests.MaxLeaseBatch);
                    var jobs = await LeaseCoreAsync(free, leaseMs, silo: true, worker);
                    foreach (var job in jobs)
                    {
                        var handler = HandlerKey(job);
                        _inflight[job.Id] = handler;
                        _ = DispatchAsync(handler, job);
                    }

                    if (jobs.Count < free)
                    {
                        break;
                    }
                }
            }
            while (_pumpAgain && !_stopping);
        }
        catch (Exception ex)
        {
            LogPumpFailed(ex, _queue, _partition);
            _dueMs = time.GetUtcNow().ToUnixTimeMilliseconds() + _clockOffsetMs + (long)RetryAfterError.TotalMilliseconds;
            Arm();
        }
        finally
        {
            _pumping = false;
        }
    }

    // Hands a leased job to its handler grain. A call that fails never reached the handler (its silo died and the call
    // went to the old activation, say): the job goes back at once, its attempt not counted, and the pump leases it
    // again for a live handler, where waiting for its lease to run out would add a whole lease to the redelivery.
    private async Task DispatchAsync(string handler, LeasedJob job)
    {
        try
        {
            await GrainFactory.GetGrain<IQueueHandlerGrain>(handler).RunAsync(job);
        }
        catch (Exception ex)
        {
            LogDispatchFailed(ex, _queue, _partition, job.Id);
            if (!_stopping && _inflight.TryGetValue(job.Id, out var dispatched) && dispatched == handler)
            {
                await ReleaseLeasedAsync([job]);
            }
        }
    }

    private string HandlerKey(LeasedJob job) => job.Key is { } key
        ? $"{_queue}#{_partition}/k/{key}"
        : $"{_queue}#{_partition}/h/{QueueIds.PartitionOf(job.Id, HandlerSlots)}";

    // What a completion (alone, or with the lease of the slot's next job) must pass before it is coalesced.
    private async Task CheckCompletionAsync(string jobId, string leaseToken, string? result)
    {
        CheckOwnJob(jobId);
        QueueRequests.CheckToken(_queue, leaseToken);
        QueueRequests.CheckPayload(_queue, "result", result, options.Value.MaxPayloadBytes, required: false);
        await EnsureActivatedAsync();
    }

    private bool IsOwnJob(string? jobId) => QueueLimits.TryGetPartition(jobId, out var p) && p == _partition;

    private void CheckOwnJob(string jobId)
    {
        if (!IsOwnJob(jobId))
        {
            throw QueueRequests.NotFound(_queue, jobId);
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Queue {Queue} partition {Partition}: created {Count} consumer group(s) (NOGROUP: Redis lost its data or was flushed).")]
    private partial void LogGroupsCreated(string queue, int partition, int count);

    [LoggerMessage(Level = LogLevel.Information, Message = "Queue {Queue} partition {Partition} active with epoch {Epoch}; {Redelivered} job(s) of earlier silo handlers redelivered.")]
    private partial void LogActivated(string queue, int partition, long epoch, int redelivered);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Queue {Queue} partition {Partition}: epoch {Epoch} is stale (another activation took over); this activation deactivates.")]
    private partial void LogFenced(string queue, int partition, long epoch);

    [LoggerMessage(Level = LogLevel.Information, Message = "Queue {Queue} partition {Partition}: silo {Silo} died; {Count} job(s) of its handlers redelivered.")]
    private partial void LogSiloLeasesRedelivered(string queue, int partition, string silo, int count);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Queue {Queue} partition {Partition}: maintenance failed; retrying in a second.")]
    private partial void LogMaintainFailed(Exception exception, string queue, int partition);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Queue {Queue} partition {Partition}: leasing after a completion failed; the worker leases again.")]
    private partial void LogNextLeaseFailed(Exception exception, string queue, int partition);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Queue {Queue} partition {Partition}: job {JobId} could not be released; its lease runs out.")]
    private partial void LogReleaseFailed(Exception exception, string queue, int partition, string jobId);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Queue {Queue} partition {Partition}: job {JobId} did not reach its handler; it goes back to the queue.")]
    private partial void LogDispatchFailed(Exception exception, string queue, int partition, string jobId);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Queue {Queue} partition {Partition}: dispatch to handlers failed; retrying in a second.")]
    private partial void LogPumpFailed(Exception exception, string queue, int partition);
}
