using Orleans.Concurrency;
using OrleansRedis.Abstractions.Queues;

namespace OrleansRedis.Grains.Queues;

/// <summary>
/// Runs leased jobs of a queue with the application's <see cref="IQueueJobHandler"/>, inside the silo. Keyed
/// <c>"{queue}#{partition}/k/{jobKey}"</c> for keyed jobs (one job of a key at a time anyway) and
/// <c>"{queue}#{partition}/h/{slot}"</c> (slot = hash of the job id) for the others, so a redelivered job reaches the
/// grain that may still be running it. The partition never waits for a job to run: <see cref="RunAsync"/> answers once the
/// grain has the job, and the job runs on in the background.
/// </summary>
[Alias("orleansredis.queue.handler")]
public interface IQueueHandlerGrain : IGrainWithStringKey
{
    /// <summary>
    /// Starts <paramref name="job"/> and answers at once; when it is already running here, adopts the new lease token
    /// instead. Not one-way: a dispatch that did not arrive (the handler's silo died) fails, and the partition hands
    /// the job back at once rather than at the end of a lease nobody renews.
    /// </summary>
    [Alias("run")]
    Task RunAsync(LeasedJob job);

    /// <summary>Signals the cancellation token of <paramref name="jobId"/> (its lease was revoked).</summary>
    [OneWay]
    [Alias("revoke")]
    Task RevokeAsync(string jobId);
}
