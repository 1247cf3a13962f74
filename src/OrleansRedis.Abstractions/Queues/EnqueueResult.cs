namespace OrleansRedis.Abstractions.Queues;

/// <summary>The answer to one enqueued job.</summary>
/// <param name="JobId">The job's id (<c>"{partition}-{random}"</c>); for a deduplicated enqueue, the first job's id.</param>
/// <param name="Deduplicated">Whether the idempotency key matched an earlier job, so nothing was enqueued.</param>
/// <param name="State">The job's state right after the enqueue (waiting or delayed; for a duplicate, as enqueued first).</param>
[GenerateSerializer, Immutable, Alias("orleansredis.queue.enqueue-result")]
public sealed record EnqueueResult(string JobId, bool Deduplicated, JobState State);
