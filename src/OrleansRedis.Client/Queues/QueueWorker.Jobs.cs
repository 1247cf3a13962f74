using Microsoft.Extensions.Logging;
using OrleansRedis.Abstractions.Queues;

namespace OrleansRedis.Client.Queues;

// One job: the handler, its heartbeats, and the report (complete, fail or return) under its lease token.
public sealed partial class QueueWorker
{

    // A slot's jobs: each completion leases the slot's next job from the same partition in the same call, until that
    // partition has nothing ready (the slot goes back to the lease loop then).
    private async Task RunSlotAsync(JobLease lease)
    {
        for (var next = lease; next is not null;)
        {
            next = await RunAsync(next).ConfigureAwait(false);
        }
    }

    private async Task<JobLease?> RunAsync(JobLease lease)
    {
        var job = lease.Job;
        using var lost = new CancellationTokenSource();
        using var handlerToken = CancellationTokenSource.CreateLinkedTokenSource(lost.Token, _abort.Token);
        using var stopHeartbeats = new CancellationTokenSource();
        var context = new QueueJobContext(job, progress => HeartbeatAsync(lease, progress, lost));
        var heartbeats = HeartbeatLoopAsync(lease, lost, stopHeartbeats.Token);

        var finished = false;
        string? result = null;
        Exception? failure = null;
        try
        {
            // Off this thread, so a handler that blocks before its first await cannot hold the heartbeats up; a handler
            // that ignores its token is left behind when the lease is lost or the worker gives the job back.
            result = await Task.Run(() => _handler(context, handlerToken.Token), CancellationToken.None)
                .WaitAsync(handlerToken.Token).ConfigureAwait(false);
            finished = true;
        }
        catch (OperationCanceledException) when (handlerToken.IsCancellationRequested)
        {
            // Lost or given back: decided below.
        }
        catch (Exception ex)
        {
            failure = ex;
        }

        await stopHeartbeats.CancelAsync().ConfigureAwait(false);
        await heartbeats.ConfigureAwait(false);
        if (lost.IsCancellationRequested)
        {
            Interlocked.Increment(ref _lost);
            LogLeaseLost(job.Queue, job.Id, job.Attempt);
            return null;
        }

        if (finished)
        {
            return await CompleteAsync(lease, result).ConfigureAwait(false);
        }
        else if (failure is not null)
        {
            var error = $"{failure.GetType().Name}: {failure.Message}";
            LogHandlerFailed(failure, job.Queue, job.Id, job.Attempt, job.MaxAttempts);
            if (await ReportAsync(lease, () => PartitionOf(job).FailAsync(job.Id, job.LeaseToken, error, context.RetryAfter)).ConfigureAwait(false))
            {
                Interlocked.Increment(ref _failed);
            }
        }
        else
        {
            await ReturnAsync(lease).ConfigureAwait(false);
        }

        return null;
    }

    /// <summary>
    /// Completes the job and, while the worker is leasing, leases the slot's next job in the same call; the call carries
    /// the completions of every slot of this partition that finished meanwhile (a retry after a failed call only
    /// completes: a lease whose answer was lost would wait out its lease unstarted).
    /// </summary>
    private async Task<JobLease?> CompleteAsync(JobLease lease, string? result)
    {
        var job = lease.Job;
        // A result that is not JSON (a handler returning "ok") is kept as a JSON string, never refused: a refused
        // completion would run the job again on every redelivery.
        var json = JobJson.Result(result);
        string? refused = null;
        var first = true;
        var leasedAt = 0L;
        IReadOnlyList<LeasedJob> next = [];
        if (await ReportAsync(lease, async () =>
            {
                if (first)
                {
                    first = false;
                    var answer = await CompleteInBatchAsync(job, json, leaseNext: !_stopping).ConfigureAwait(false);
                    if (answer.Next is { } leased)
                    {
                        next = [leased];
                        leasedAt = answer.LeasedAt;
                    }

                    switch (answer.Status)
                    {
                        case JobCompletionStatus.LeaseLost:
                            throw new QueueException(QueueErrorCode.LeaseLost, job.Queue, $"The lease of job '{job.Id}' was lost.");
                        case JobCompletionStatus.Refused:
                            // The result cannot be kept (too large): fail the attempt with the reason rather than leave
                            // the lease to run out, which would run the job again and again until it is dead.
                            refused = answer.Reason;
                            break;
                    }

                    return;
                }

                try
                {
                    await PartitionOf(job).CompleteAsync(job.Id, job.LeaseToken, json).ConfigureAwait(false);
                }
                catch (QueueException invalid) when (invalid.Code == QueueErrorCode.Invalid)
                {
                    refused = invalid.Message;
                }
            }).ConfigureAwait(false))
        {
            if (refused is null)
            {
                Interlocked.Increment(ref _completed);
            }
            else if (await ReportAsync(lease, () => PartitionOf(job).FailAsync(job.Id, job.LeaseToken, "The handler's result was refused: " + refused, null)).ConfigureAwait(false))
            {
                Interlocked.Increment(ref _failed);
            }
        }

        JobLease? run = null;
        foreach (var leased in next)
        {
            var nextLease = new JobLease(leased, leasedAt + Ticks(_options.LeaseTime));
            if (run is null && !_stopping)
            {
                run = nextLease;
            }
            else
            {
                // The stop began while the call was out: the job goes back unstarted, as the lease loop's would.
                await ReturnAsync(nextLease).ConfigureAwait(false);
            }
        }

        return run;
    }

    /// <summary>
    /// Gives a job back unfinished: released into its stream with its key kept and the attempt not counted, so another
    /// worker starts it at once and a job on its last attempt is not dead-lettered by a deploy.
    /// </summary>
    private async Task ReturnAsync(JobLease lease)
    {
        if (await ReportAsync(lease, () => PartitionOf(lease.Job).ReleaseAsync(lease.Job.Id, lease.Job.LeaseToken)).ConfigureAwait(false))
        {
            Interlocked.Increment(ref _returned);
        }
    }

    private async Task HeartbeatLoopAsync(JobLease lease, CancellationTokenSource lost, CancellationToken stop)
    {
        var interval = _options.EffectiveHeartbeatInterval;
        var delay = interval;
        try
        {
            while (true)
            {
                await Task.Delay(delay, _time, stop).ConfigureAwait(false);
                if (Until(lease.LocalDeadline) <= TimeSpan.Zero)
                {
                    // Every renewal failed until the lease ran out: the job may be leased again already.
                    await lost.CancelAsync().ConfigureAwait(false);
                    return;
                }

                try
                {
                    await HeartbeatAsync(lease, progress: null, lost).WaitAsync(stop).ConfigureAwait(false);
                    delay = interval;
                }
                catch (Exception ex) when (!lost.IsCancellationRequested && ex is not OperationCanceledException && QueueClient.IsTransient(ex))
                {
                    LogHeartbeatFailed(lease.Job.Queue, lease.Job.Id, ex.Message);
                    delay = _options.RetryDelay;
                }
            }
        }
        catch (OperationCanceledException) when (stop.IsCancellationRequested)
        {
            // The handler ended.
        }
        catch (Exception ex) when (lost.IsCancellationRequested)
        {
            _ = ex;
        }
        catch (Exception ex)
        {
            // Not a passing outage (the lease length is refused, the queue is gone): the lease cannot be kept.
            LogHeartbeatFailed(lease.Job.Queue, lease.Job.Id, ex.Message);
            await lost.CancelAsync().ConfigureAwait(false);
        }
    }

    /// <summary>Extends the lease (with progress, when given); a refused token cancels <paramref name="lost"/> and throws.</summary>
    private async Task HeartbeatAsync(JobLease lease, string? progress, CancellationTokenSource lost)
    {
        var started = _time.GetTimestamp();
        try
        {
            var expiresAt = await PartitionOf(lease.Job).HeartbeatAsync(lease.Job.Id, lease.Job.LeaseToken, _options.LeaseTime, progress).ConfigureAwait(false);
            lease.Renewed(started + Ticks(_options.LeaseTime), expiresAt);
        }
        catch (QueueException refused) when (refused.Code is QueueErrorCode.LeaseLost or QueueErrorCode.NotFound)
        {
            await lost.CancelAsync().ConfigureAwait(false);
            throw;
        }
    }

    /// <summary>
    /// Sends a completion or failure, retrying transient failures while the lease lasts; <see langword="false"/> when it
    /// did not land (the token was refused: someone else has the job now; or the lease ran out first).
    /// </summary>
    private async Task<bool> ReportAsync(JobLease lease, Func<Task> report)
    {
        while (true)
        {
            try
            {
                await report().ConfigureAwait(false);
                return true;
            }
            catch (QueueException refused) when (refused.Code is QueueErrorCode.LeaseLost or QueueErrorCode.NotFound)
            {
                Interlocked.Increment(ref _lost);
                LogLeaseLost(lease.Job.Queue, lease.Job.Id, lease.Job.Attempt);
                return false;
            }
            catch (Exception ex) when (QueueClient.IsTransient(ex) && Until(lease.LocalDeadline) > _options.RetryDelay)
            {
                LogReportRetried(lease.Job.Queue, lease.Job.Id, ex.Message);
                await Task.Delay(_options.RetryDelay, _time).ConfigureAwait(false);
            }
            catch (Exception ex)
            {
                // The lease runs out and the job is delivered again: at least once, never lost.
                LogReportFailed(ex, lease.Job.Queue, lease.Job.Id);
                return false;
            }
        }
    }

    private TimeSpan Until(long timestamp)
    {
        var left = timestamp - _time.GetTimestamp();
        return left <= 0 ? TimeSpan.Zero : TimeSpan.FromSeconds((double)left / _time.TimestampFrequency);
    }

    /// <summary>A running job's lease: the deadline by this process's clock (never later than Redis's) and by Redis's.</summary>
    private sealed class JobLease(LeasedJob job, long localDeadline)
    {
        private long _localDeadline = localDeadline;
        private long _expiresAtUnixMs = job.LeaseExpiresAtUtc.ToUnixTimeMilliseconds();

        public LeasedJob Job { get; } = job;

        public long LocalDeadline => Volatile.Read(ref _localDeadline);

        public DateTimeOffset ExpiresAtUtc => DateTimeOffset.FromUnixTimeMilliseconds(Volatile.Read(ref _expiresAtUnixMs));

        public void Renewed(long localDeadline, DateTimeOffset expiresAtUtc)
        {
            Volatile.Write(ref _localDeadline, localDeadline);
            Volatile.Write(ref _expiresAtUnixMs, expiresAtUtc.ToUnixTimeMilliseconds());
        }
    }

    [LoggerMessage(Level = LogLevel.Error, Message = "Queue {Queue}: the queue refuses this worker's leases ({Field}): {Reason}; the worker stops")]
    private partial void LogLeaseRefused(Exception exception, string queue, string? field, string reason);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Queue {Queue}: leasing failed ({ExceptionType}: {Reason}); trying again")]
    private partial void LogLeaseFailed(Exception exception, string queue, string exceptionType, string reason);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Queue {Queue}: job {JobId} (attempt {Attempt}) failed its attempt of {MaxAttempts}")]
    private partial void LogHandlerFailed(Exception exception, string queue, string jobId, int attempt, int maxAttempts);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Queue {Queue}: the lease of job {JobId} (attempt {Attempt}) was lost; its work is not reported")]
    private partial void LogLeaseLost(string queue, string jobId, int attempt);

    [LoggerMessage(Level = LogLevel.Information, Message = "Queue {Queue}: heartbeat of job {JobId} failed: {Reason}")]
    private partial void LogHeartbeatFailed(string queue, string jobId, string reason);

    [LoggerMessage(Level = LogLevel.Information, Message = "Queue {Queue}: reporting job {JobId} failed ({Reason}); trying again")]
    private partial void LogReportRetried(string queue, string jobId, string reason);

    [LoggerMessage(Level = LogLevel.Error, Message = "Queue {Queue}: job {JobId} could not be reported; it is delivered again when its lease runs out")]
    private partial void LogReportFailed(Exception exception, string queue, string jobId);

    [LoggerMessage(Level = LogLevel.Information, Message = "Queue {Queue}: worker stopping with {Running} jobs running")]
    private partial void LogStopping(string queue, int running);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Queue {Queue}: {Running} jobs still running at the end of the drain; returning them")]
    private partial void LogReturning(string queue, int running);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Queue {Queue}: the lease loop did not end within {Timeout}")]
    private partial void LogLeasingStopTimedOut(string queue, TimeSpan timeout);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Queue {Queue}: {Running} jobs not returned within {Timeout}; their leases run out")]
    private partial void LogReturnTimedOut(string queue, int running, TimeSpan timeout);

    [LoggerMessage(Level = LogLevel.Information, Message = "Queue {Queue}: worker stopped ({Completed} completed, {Failed} failed, {Returned} returned)")]
    private partial void LogStopped(string queue, long completed, long failed, long returned);
}
