using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Orleans.Concurrency;
using Orleans.Placement;
using OrleansRedis.Abstractions.Queues;

namespace OrleansRedis.Grains.Queues;

/// <summary>
/// Runs jobs with the queue's <see cref="IQueueJobHandler"/>; see <see cref="IQueueHandlerGrain"/>. A job runs as a task
/// on the thread pool, outside the grain's turns, so a long job never meets the call timeout; a timer heartbeats every
/// running job's lease at a third of the queue's <c>LeaseTime</c>; the outcome goes back to the partition with the job's
/// (latest) token. Placed on the silo of its caller, the partition.
/// </summary>
[GrainType("queue-handler")]
[Reentrant]
[PreferLocalPlacement]
public sealed partial class QueueHandlerGrain(
    IServiceProvider services,
    IOptions<QueueOptions> options,
    TimeProvider time,
    ILogger<QueueHandlerGrain> logger) : Grain, IQueueHandlerGrain
{
    // A failed heartbeat is tried again this soon, so one Redis hiccup does not cost the lease.
    private static readonly TimeSpan HeartbeatRetry = TimeSpan.FromSeconds(1);

    private readonly Dictionary<string, Running> _running = new(StringComparer.Ordinal);
    private IGrainTimer? _heartbeat;
    private TimeSpan _period;

    /// <inheritdoc />
    public Task RunAsync(LeasedJob job)
    {
        if (_running.TryGetValue(job.Id, out var running))
        {
            // A redelivery of a job still running here (its lease ran out, or the partition restarted): keep running it
            // and answer with the new token; never run it twice in this grain.
            running.Token = job.LeaseToken;
            return Task.CompletedTask;
        }

        running = new Running(job, time.GetUtcNow() + (Lease(job.Queue) / 3));
        _running[job.Id] = running;
        EnsureHeartbeat(job.Queue);
        running.Execution = ExecuteAsync(running);
        return Task.CompletedTask;
    }

    /// <inheritdoc />
    public Task RevokeAsync(string jobId)
    {
        if (_running.TryGetValue(jobId, out var running))
        {
            // The handler still reports when it stops: the refused report frees the job's key before the lease ends.
            running.Cancel.Cancel();
        }

        return Task.CompletedTask;
    }

    /// <inheritdoc />
    public override async Task OnDeactivateAsync(DeactivationReason reason, CancellationToken cancellationToken)
    {
        _heartbeat?.Dispose();
        var running = _running.Values.ToList();
        if (running.Count == 0)
        {
            return;
        }

        // The silo stops or the grain is collected: the handlers are cancelled, and a job they did not finish goes back
        // to its stream unrun (released: the attempt does not count, the key stays) rather than failing an attempt.
        foreach (var r in running)
        {
            r.Releasing = true;
            r.Cancel.Cancel();
        }

        try
        {
            await Task.WhenAll(running.Select(r => r.Execution!)).WaitAsync(cancellationToken);
        }
        catch (OperationCanceledException)
        {
            // Handlers that ignore their cancellation: hand their jobs back now; their outcome is not applied.
            var partition = Partition();
            await Task.WhenAll(_running.Values.Where(r => !r.Lost).Select(async r =>
            {
                r.Lost = true;
                try
                {
                    await partition.ReleaseAsync(r.Job.Id, r.Token);
                }
                catch (Exception ex)
                {
                    LogReportFailed(ex, r.Job.Queue, r.Job.Id);
                }
            }));
        }
    }

    // The key starts with the partition's key: "{queue}#{partition}/...".
    private IQueuePartitionGrain Partition()
    {
        var key = this.GetPrimaryKeyString();
        return GrainFactory.GetGrain<IQueuePartitionGrain>(key[..key.IndexOf('/', StringComparison.Ordinal)]);
    }

    private async Task ExecuteAsync(Running running)
    {
        var job = running.Job;
        var partition = Partition();
        string? result = null;
        Exception? failure = null;
        QueueJobContext? context = null;
        try
        {
            await using var scope = services.CreateAsyncScope();
            var handler = scope.ServiceProvider.GetRequiredKeyedService<IQueueJobHandler>(QueueHandlerRegistration.ServiceKey(job.Queue));
            context = new QueueJobContext(
                job,
                progress => Task.Factory.StartNew(
                    () => partition.HeartbeatAsync(job.Id, running.Token, null, progress), CancellationToken.None, TaskCreationOptions.None, running.Scheduler).Unwrap(),
                () => running.Token);
            var token = running.Cancel.Token;
            var returned = await Task.Run(() => handler.HandleAsync(context, token), CancellationToken.None);
            (result, var tooLarge) = QueueRequests.Result(returned, options.Value.MaxPayloadBytes);
            failure = tooLarge is null ? null : new InvalidOperationException(tooLarge);
        }
        catch (Exception ex)
        {
            failure = ex;
        }

        try
        {
            if (running.Lost)
            {
                return;
            }

            var used = running.Token;
            try
            {
                await ReportAsync(partition, running, used, result, failure, context?.RetryAfter);
            }
            catch (QueueException ex) when (ex.Code == QueueErrorCode.LeaseLost && running.Token != used && !running.Lost)
            {
                // A redelivery was adopted while the report with the previous token was on its way: report with the new one.
                await ReportAsync(partition, running, running.Token, result, failure, context?.RetryAfter);
            }
        }
        catch (QueueException ex) when (ex.Code == QueueErrorCode.LeaseLost)
        {
            LogLeaseLost(job.Queue, job.Id);
        }
        catch (Exception ex)
        {
            // The lease runs out and the job is redelivered: at least once.
            LogReportFailed(ex, job.Queue, job.Id);
        }
        finally
        {
            _running.Remove(job.Id);
            running.Cancel.Dispose();
        }
    }

    // A handler cut short by the grain's deactivation hands its job back; otherwise its outcome is reported.
    private static async Task ReportAsync(IQueuePartitionGrain partition, Running running, string token, string? result, Exception? failure, TimeSpan? retryAfter)
    {
        var job = running.Job;
        if (failure is null)
        {
            await partition.CompleteAsync(job.Id, token, result);
        }
        else if (running.Releasing && failure is OperationCanceledException)
        {
            await partition.ReleaseAsync(job.Id, token);
        }
        else
        {
            await partition.FailAsync(job.Id, token, failure.Message, retryAfter);
        }
    }

    private void EnsureHeartbeat(string queue)
    {
        if (_heartbeat is not null)
        {
            return;
        }

        // Each job is renewed a third of the lease after its own start (and its last renewal); the timer looks every
        // second (or more often for short leases), so a renewal is at most that late and a failed one retried that soon.
        _period = Lease(queue) / 3;
        var tick = _period < HeartbeatRetry ? _period : HeartbeatRetry;
        _heartbeat = this.RegisterGrainTimer(
            static (grain, _) => grain.HeartbeatAllAsync(), this,
            new GrainTimerCreationOptions(tick, tick) { Interleave = true, KeepAlive = false });
    }

    private TimeSpan Lease(string queue) => options.Value.Find(queue)?.Definition.LeaseTime ?? TimeSpan.FromSeconds(30);

    private async Task HeartbeatAllAsync()
    {
        var period = _period;
        if (_running.Count == 0)
        {
            return;
        }

        DelayDeactivation(period * 3);
        foreach (var running in _running.Values.ToList())
        {
            var now = time.GetUtcNow();
            if (running.Lost || running.Cancel.IsCancellationRequested || now < running.NextHeartbeat)
            {
                continue;
            }

            try
            {
                running.NextHeartbeat = now + HeartbeatRetry;
                await Partition().HeartbeatAsync(running.Job.Id, running.Token);
                running.NextHeartbeat = now + period;
            }
            catch (QueueException ex) when (ex.Code == QueueErrorCode.LeaseLost)
            {
                running.Cancel.Cancel();
                LogLeaseLost(running.Job.Queue, running.Job.Id);
            }
            catch (Exception ex)
            {
                LogReportFailed(ex, running.Job.Queue, running.Job.Id);
            }
        }
    }

    private sealed class Running(LeasedJob job, DateTimeOffset firstHeartbeat)
    {
        public DateTimeOffset NextHeartbeat { get; set; } = firstHeartbeat;

        public LeasedJob Job { get; } = job;

        public string Token { get; set; } = job.LeaseToken;

        public bool Lost { get; set; }

        public bool Releasing { get; set; }

        public Task? Execution { get; set; }

        public CancellationTokenSource Cancel { get; } = new();

        public TaskScheduler Scheduler { get; } = TaskScheduler.Current;
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Queue {Queue} job {JobId}: the handler's lease was lost (expired, cancelled or its partition restarted); its outcome was not applied.")]
    private partial void LogLeaseLost(string queue, string jobId);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Queue {Queue} job {JobId}: reporting to the partition failed; the lease will run out and the job be redelivered.")]
    private partial void LogReportFailed(Exception exception, string queue, string jobId);
}
