using OrleansRedis.Abstractions.Queues;

namespace OrleansRedis.Redis.Queues;

/// <summary>The settings of one partition that its scripts apply (each from the queue's definition).</summary>
/// <param name="MaxDepth">This partition's share of the depth cap.</param>
/// <param name="IdempotencyWindowMs">How long an idempotency key answers the first job.</param>
/// <param name="RetentionMs">How long completed and cancelled jobs are kept.</param>
/// <param name="DeadRetentionMs">How long dead jobs are kept.</param>
/// <param name="MaxDead">The most dead jobs kept.</param>
/// <param name="BackoffMaxMs">The longest retry delay.</param>
/// <param name="ActiveCap">This partition's share of the active cap; 0 for none.</param>
public sealed record QueuePartitionLimits(
    long MaxDepth, long IdempotencyWindowMs, long RetentionMs, long DeadRetentionMs, int MaxDead, long BackoffMaxMs, int ActiveCap);

/// <summary>A job ready to be written by the enqueue script.</summary>
/// <param name="Id">Its id (partition, dash, random).</param>
/// <param name="Payload">Its JSON payload.</param>
/// <param name="Key">Its order key.</param>
/// <param name="Priority">0 high, 1 normal, 2 low.</param>
/// <param name="DelayMs">Delay from Redis's now.</param>
/// <param name="RunAtMs">Absolute run-at (Unix ms), 0 to use the delay.</param>
/// <param name="IdempotencyKey">Its idempotency key.</param>
/// <param name="MaxAttempts">Its attempts.</param>
/// <param name="BackoffMs">Its first retry delay.</param>
/// <param name="UserId">The user its events are published to, if any.</param>
public sealed record QueueJobDraft(
    string Id, string Payload, string? Key, int Priority, long DelayMs, long RunAtMs, string? IdempotencyKey, int MaxAttempts, long BackoffMs,
    string? UserId = null);

/// <summary>What an enqueue script did.</summary>
/// <param name="Accepted">Per group: whether it was written (false: refused whole by the depth cap).</param>
/// <param name="Results">Per job in order; <see langword="null"/> for the jobs of a refused group.</param>
/// <param name="Woke">Whether a job became ready.</param>
/// <param name="DueMs">The earliest delayed job's due time.</param>
/// <param name="Depth">The partition's depth afterwards.</param>
/// <param name="NowMs">Redis's clock.</param>
public sealed record QueueEnqueueOutcome(bool[] Accepted, EnqueueResult?[] Results, bool Woke, long? DueMs, long Depth, long NowMs);

/// <summary>What a lease script did.</summary>
/// <param name="Jobs">The jobs leased.</param>
/// <param name="WaitMs">Per job: how long it was ready before this lease.</param>
/// <param name="Paused">Whether the partition is paused (then nothing is leased).</param>
/// <param name="GroupsCreated">Consumer groups created after NOGROUP (Redis lost its data).</param>
/// <param name="DueMs">The earliest delayed job's due time.</param>
/// <param name="LeaseMs">The earliest lease expiry.</param>
/// <param name="NowMs">Redis's clock.</param>
public sealed record QueueLeaseOutcome(IReadOnlyList<LeasedJob> Jobs, long[] WaitMs, bool Paused, int GroupsCreated, long? DueMs, long? LeaseMs, long NowMs)
{
    /// <summary>Gets whether the caller's epoch is stale (another activation took the partition over): nothing was leased.</summary>
    public bool Fenced { get; init; }

    /// <summary>The outcome of a lease refused for a stale epoch.</summary>
    public static QueueLeaseOutcome FencedOff(long nowMs) => new([], [], false, 0, null, null, nowMs) { Fenced = true };
}

/// <summary>What a complete script did.</summary>
/// <param name="Ok">Per completion: whether the token held the job.</param>
/// <param name="RunMs">Per completion: how long the attempt ran.</param>
/// <param name="Woke">Whether a parked job became ready.</param>
/// <param name="DueMs">The earliest delayed job's due time.</param>
public sealed record QueueCompleteOutcome(bool[] Ok, long[] RunMs, bool Woke, long? DueMs)
{
    /// <summary>Gets, per completion, the job's user ('' none) and attempt (for its events).</summary>
    public JobSubject[] Subjects { get; init; } = [];

    /// <summary>Gets the partition's depth afterwards.</summary>
    public long? Depth { get; init; }
}

/// <summary>Whom a job's events go to and which attempt they tell of.</summary>
/// <param name="UserId">The job's user, or <see langword="null"/>.</param>
/// <param name="Attempt">The attempt concerned.</param>
public readonly record struct JobSubject(string? UserId, int Attempt);

/// <summary>What a fail script did.</summary>
/// <param name="Status"><c>retry</c>, <c>dead</c> or <c>lost</c>.</param>
/// <param name="RetryAtMs">When the retry becomes ready.</param>
/// <param name="RunMs">How long the attempt ran.</param>
/// <param name="Woke">Whether a parked job became ready (after a death).</param>
/// <param name="DueMs">The earliest delayed job's due time.</param>
public sealed record QueueFailOutcome(string Status, long? RetryAtMs, long RunMs, bool Woke, long? DueMs)
{
    /// <summary>Gets the job's user and the attempt that failed.</summary>
    public JobSubject Subject { get; init; }
}

/// <summary>What the maintenance script did.</summary>
/// <param name="Redelivered">Jobs whose lease ended and which went back to their stream.</param>
/// <param name="Killed">Jobs whose lease ended on their last attempt.</param>
/// <param name="Woke">Whether a job became ready.</param>
/// <param name="DueMs">The earliest delayed job's due time.</param>
/// <param name="LeaseMs">The earliest lease expiry.</param>
/// <param name="Depth">The partition's depth.</param>
/// <param name="NowMs">Redis's clock.</param>
public sealed record QueueMaintainOutcome(string[] Redelivered, string[] Killed, bool Woke, long? DueMs, long? LeaseMs, long Depth, long NowMs)
{
    /// <summary>Gets, per redelivered job, its user and the attempt that expired.</summary>
    public JobSubject[] RedeliveredSubjects { get; init; } = [];

    /// <summary>Gets, per killed job, its user and the attempt that expired.</summary>
    public JobSubject[] KilledSubjects { get; init; } = [];

    /// <summary>Gets whether the caller's epoch is stale (another activation took the partition over): nothing was done.</summary>
    public bool Fenced { get; init; }
}

/// <summary>A partition's figures.</summary>
/// <param name="Depth">Unfinished jobs.</param>
/// <param name="Delayed">Delayed and failed jobs.</param>
/// <param name="Active">Leased jobs.</param>
/// <param name="Dead">Dead jobs.</param>
/// <param name="Paused">Whether delivery is paused.</param>
/// <param name="OldestReadyMs">When the oldest undelivered ready job was added to its stream.</param>
/// <param name="Counters">The counters of the stats hash.</param>
/// <param name="NowMs">Redis's clock.</param>
public sealed record QueuePartitionFigures(
    long Depth, long Delayed, long Active, long Dead, bool Paused, long? OldestReadyMs, IReadOnlyDictionary<string, long> Counters, long NowMs);
