namespace OrleansRedis.Abstractions.Queues;

/// <summary>A job to enqueue.</summary>
/// <param name="Payload">The job's data as JSON text (any JSON value), at most <c>Queues:MaxPayloadBytes</c> UTF-8 bytes.</param>
/// <param name="Key">
/// Optional order key: jobs of one key run one at a time in enqueue order (a retry keeps its place); jobs of different
/// keys run in parallel. It also picks the partition.
/// </param>
/// <param name="Priority">Ready jobs of a higher priority are leased first.</param>
/// <param name="Delay">Run no earlier than this long after the enqueue (Redis's clock); not negative.</param>
/// <param name="RunAtUtc">Run no earlier than this time; <see cref="Delay"/> and this are exclusive.</param>
/// <param name="IdempotencyKey">
/// Optional: a second enqueue with the same key within the queue's <c>IdempotencyWindow</c> answers the first job's id
/// with <see cref="EnqueueResult.Deduplicated"/> and enqueues nothing.
/// </param>
/// <param name="MaxAttempts">Attempts before the job is dead; the queue's <c>MaxAttempts</c> when not given (1-1000).</param>
/// <param name="UserId">
/// The user the job is for, when it has one (1-128 characters of ASCII letters, digits and <c>. _ - : @</c>): its
/// events (completed, failed, dead, progress) are published on the real-time topic <c>user:{userId}</c> as well as on
/// <c>job:{id}</c>.
/// </param>
/// <param name="Backoff">First retry delay (doubled per attempt up to the queue's <c>BackoffMax</c>); the queue's <c>BackoffBase</c> when not given.</param>
[GenerateSerializer, Immutable, Alias("orleansredis.queue.job-spec")]
public sealed record JobSpec(
    string Payload,
    string? Key = null,
    JobPriority Priority = JobPriority.Normal,
    TimeSpan? Delay = null,
    DateTimeOffset? RunAtUtc = null,
    string? IdempotencyKey = null,
    int? MaxAttempts = null,
    TimeSpan? Backoff = null,
    string? UserId = null);
