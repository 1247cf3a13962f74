namespace OrleansRedis.Grains.Queues;

/// <summary>One queue, bound from <c>OrleansRedis:Queues:Definitions:{name}</c>. Every setting has a default.</summary>
public sealed class QueueDefinition
{
    /// <summary>
    /// Gets or sets how many partitions the queue has: a job's key (else its idempotency key) picks one; each partition
    /// is one grain and one set of Redis keys (one Redis Cluster slot). Changing it moves keyed jobs to other
    /// partitions, so per-key order holds only for jobs enqueued under the same count.
    /// </summary>
    /// <value>The default is 4. From 1 to 256.</value>
    public int Partitions { get; set; } = 4;

    /// <summary>
    /// Gets or sets the most unfinished jobs (waiting, delayed, active) the queue holds; an enqueue beyond it is refused
    /// with a retry-after (429 over HTTP). Enforced per partition as ceil(MaxDepth / Partitions).
    /// </summary>
    /// <value>The default is 100000. From 1 to 100000000.</value>
    public long MaxDepth { get; set; } = 100_000;

    /// <summary>Gets or sets the attempts a job gets unless it asks for its own number.</summary>
    /// <value>The default is 5. From 1 to 1000.</value>
    public int MaxAttempts { get; set; } = 5;

    /// <summary>Gets or sets the first retry delay; attempt n waits BackoffBase * 2^(n-1), capped at <see cref="BackoffMax"/>, with equal jitter.</summary>
    /// <value>The default is 1 second. From 0 to BackoffMax.</value>
    public TimeSpan BackoffBase { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>Gets or sets the longest retry delay.</summary>
    /// <value>The default is 5 minutes. At most 7 days.</value>
    public TimeSpan BackoffMax { get; set; } = TimeSpan.FromMinutes(5);

    /// <summary>Gets or sets the lease of a job when the worker asks for none, and of in-silo handlers (renewed by heartbeats).</summary>
    /// <value>The default is 30 seconds. From 1 s to MaxLeaseTime.</value>
    public TimeSpan LeaseTime { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>Gets or sets the longest lease one lease or heartbeat call may ask for.</summary>
    /// <value>The default is 1 hour. At most 1 day.</value>
    public TimeSpan MaxLeaseTime { get; set; } = TimeSpan.FromHours(1);

    /// <summary>Gets or sets how many jobs each partition runs at once on in-silo handlers (when the queue has one).</summary>
    /// <value>The default is 16. From 1 to 10000.</value>
    public int HandlerConcurrency { get; set; } = 16;

    /// <summary>
    /// Gets or sets the most jobs active at once across the queue (in-silo and external), enforced per partition as
    /// ceil(MaxConcurrency / Partitions); a lease beyond it answers fewer jobs.
    /// </summary>
    /// <value>The default is <see langword="null"/>: no cap besides <see cref="HandlerConcurrency"/>.</value>
    public int? MaxConcurrency { get; set; }

    /// <summary>
    /// Gets or sets the name of an <c>OrleansRedis:RateLimits</c> policy checked per dispatched job against the key
    /// <c>queue:{name}</c>; a denied job stays ready and is dispatched after the policy's retry-after.
    /// </summary>
    /// <value>The default is <see langword="null"/>: no rate limit.</value>
    public string? RateLimitPolicy { get; set; }

    /// <summary>
    /// Gets or sets which jobs publish their events (<c>job.progress</c>, <c>job.completed</c>, <c>job.failed</c>,
    /// <c>job.dead</c>) on the real-time topics <c>job:{id}</c> and, for a job enqueued with a user id,
    /// <c>user:{userId}</c>. Each event is one topic publish (a Redis stream entry) after the job's state change.
    /// </summary>
    /// <value>The default is <see cref="QueueEventPublishing.UserJobs"/>: only jobs enqueued with a user id.</value>
    public QueueEventPublishing PublishEvents { get; set; } = QueueEventPublishing.UserJobs;

    /// <summary>Gets or sets how long completed and cancelled jobs stay readable, then their hashes expire.</summary>
    /// <value>The default is 1 hour. From 1 s to 30 days.</value>
    public TimeSpan Retention { get; set; } = TimeSpan.FromHours(1);

    /// <summary>Gets or sets how long dead jobs stay in the dead-letter list.</summary>
    /// <value>The default is 7 days. From 1 s to 365 days.</value>
    public TimeSpan DeadRetention { get; set; } = TimeSpan.FromDays(7);

    /// <summary>Gets or sets the most dead jobs kept per partition; the oldest go first.</summary>
    /// <value>The default is 10000. From 1 to 10000000.</value>
    public int MaxDead { get; set; } = 10_000;

    /// <summary>Gets or sets how long an idempotency key answers the first job's id.</summary>
    /// <value>The default is 24 hours. From 1 s to 30 days.</value>
    public TimeSpan IdempotencyWindow { get; set; } = TimeSpan.FromHours(24);

    /// <summary>
    /// Gets or sets how far back a recurring schedule enqueues the ticks it missed (its silo died, the cluster was
    /// down): every missed tick within this window is enqueued, oldest first; of the older ones only the latest, and only
    /// when none is within the window. Zero enqueues only the latest missed tick.
    /// </summary>
    /// <value>The default is 5 minutes, longer than a silo's failure detection and a grain's reactivation. From 0 to 1 day.</value>
    public TimeSpan ScheduleCatchUp { get; set; } = TimeSpan.FromMinutes(5);
}

/// <summary>Which jobs of a queue publish their events on real-time topics (<see cref="QueueDefinition.PublishEvents"/>).</summary>
public enum QueueEventPublishing
{
    /// <summary>Jobs enqueued with a user id (on <c>job:{id}</c> and <c>user:{userId}</c>).</summary>
    UserJobs,

    /// <summary>Every job (on <c>job:{id}</c>, and on <c>user:{userId}</c> when it has one).</summary>
    All,

    /// <summary>No job.</summary>
    None,
}
