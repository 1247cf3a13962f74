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
    ILogger<QueueHandlerGrain> logger) : Grain, IQueueHandlerGrain
{
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

        running = new Running(job);
        _running[job.Id] = running;
        EnsureHeartbeat(job.Queue);
        _ = ExecuteAsync(running);
        return Task.CompletedTask;
    }

    /// <inheritdoc />
    public Task RevokeAsync(string jobId)
    {
        if (_running.TryGetValue(jobId, out var running))
        {
            running.Lost = true;
            running.Cancel.Cancel();
        }

        return Task.CompletedTask;
    }

    /// <inheritdoc />
    public override Task OnDeactivateAsync(DeactivationReason reason, CancellationToken cancellationToken)
    {
        foreach (var running in _running.Values)
        {
            running.Cancel.Cancel();
        }

        _heartbeat?.Dispose();
        return Task.CompletedTask;
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
            context = new QueueJobContext(job, progress => Task.Factory.StartNew(
                () => partition.HeartbeatAsync(job.Id, running.Token, null, progress), CancellationToken.None, TaskCreationOptions.None, running.Scheduler).Unwrap());
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

            if (failure is null)
            {
                await partition.CompleteAsync(job.Id, running.Token, result);
            }
            else
            {
                await partition.FailAsync(job.Id, running.Token, failure.Message, context?.RetryAfter);
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

    private void EnsureHeartbeat(string queue)
    {
        if (_heartbeat is not null)
        {
            return;
        }

        var lease = options.Value.Find(queue)?.Definition.LeaseTime ?? TimeSpan.FromSeconds(30);
        _period = lease / 3;
        _heartbeat = this.RegisterGrainTimer(
            static (grain, _) => grain.HeartbeatAllAsync(), this,
            new GrainTimerCreationOptions(_period, _period) { Interleave = true, KeepAlive = false });
    }

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
            if (running.Lost || DateTime.UtcNow - running.StartedAt < period)
            {
                continue;
            }

            try
            {
                await Partition().HeartbeatAsync(running.Job.Id, running.Token);
            }
            catch (QueueException ex) when (ex.Code == QueueErrorCode.LeaseLost)
            {
                running.Lost = true;
                running.Cancel.Cancel();
                LogLeaseLost(running.Job.Queue, running.Job.Id);
            }
            catch (Exception ex)
            {
                LogReportFailed(ex, running.Job.Queue, running.Job.Id);
            }
        }
    }

    private sealed class Running(LeasedJob job)
    {
        public LeasedJob Job { get; } = job;

        public string Token { get; set; } = job.LeaseToken;

        public bool Lost { get; set; }

        public DateTime StartedAt { get; } = DateTime.UtcNow;

        public CancellationTokenSource Cancel { get; } = new();

        public TaskScheduler Scheduler { get; } = TaskScheduler.Current;
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Queue {Queue} job {JobId}: the handler's lease was lost (expired, cancelled or its partition restarted); its outcome was not applied.")]
    private partial void LogLeaseLost(string queue, string jobId);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Queue {Queue} job {JobId}: reporting to the partition failed; the lease will run out and the job be redelivered.")]
    private partial void LogReportFailed(Exception exception, string queue, string jobId);
}
