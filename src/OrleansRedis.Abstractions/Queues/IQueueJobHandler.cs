namespace OrleansRedis.Abstractions.Queues;

/// <summary>
/// Runs the jobs of a queue inside the silo. Registered per queue with <c>AddOrleansRedisQueueHandler&lt;T&gt;("queue")</c>
/// and resolved from DI for each job. Delivery is at least once: a job may run again after a crash or a lost lease, so
/// make side effects idempotent by <see cref="QueueJobContext.JobId"/>.
/// </summary>
public interface IQueueJobHandler
{
    /// <summary>
    /// Handles one job. Returning completes it (with the returned JSON result, or none); throwing fails the attempt with
    /// the exception's message (retried with backoff, then dead). The lease is kept alive by heartbeats while this runs,
    /// so a long job never hits a call timeout.
    /// </summary>
    /// <param name="context">The job and its lease.</param>
    /// <param name="cancellationToken">Signalled when the lease is lost (cancel, expiry) or the silo stops.</param>
    /// <returns>An optional JSON result.</returns>
    Task<string?> HandleAsync(QueueJobContext context, CancellationToken cancellationToken);
}
