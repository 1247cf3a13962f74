using OrleansRedis.Redis;

namespace OrleansRedis.Grains.Locks;

/// <summary>Limits of the distributed locks. Bound from <c>OrleansRedis:Locks</c> and validated at start.</summary>
public sealed class LockOptions
{
    /// <summary>The configuration section these options are bound from.</summary>
    public const string SectionName = "OrleansRedis:Locks";

    /// <summary>
    /// Gets or sets the longest lease one acquire or extend may ask for. Holders that need longer renew (the .NET
    /// client helper does so by itself); a short lease bounds how long a crashed holder blocks everyone else.
    /// </summary>
    /// <value>The default is 10 minutes. At most 1 day.</value>
    public TimeSpan MaxLease { get; set; } = TimeSpan.FromMinutes(10);

    /// <summary>
    /// Gets or sets the longest one acquire call queues for the lock. A longer wait asked of the grain is cut to this
    /// (over HTTP it is refused with 400), so a waiting call always answers before Orleans' response timeout; callers
    /// that need to wait longer call again (the .NET client helper does).
    /// </summary>
    /// <value>
    /// The default is 20 seconds. It must stay below Orleans' response timeout (30 s by default) minus twice
    /// <c>OrleansRedis:Redis:OperationTimeout</c> and one second of margin.
    /// </value>
    public TimeSpan MaxWait { get; set; } = TimeSpan.FromSeconds(20);

    /// <summary>
    /// Gets or sets how many callers may queue for one lock in one activation; more are answered "not acquired"
    /// at once, so a stampede cannot grow a silo's memory without bound.
    /// </summary>
    /// <value>The default is 10000.</value>
    public int MaxWaitersPerLock { get; set; } = 10_000;

    /// <summary>
    /// Gets or sets how many replicas must confirm each grant, release and extension before it is reported
    /// (<c>WAIT</c> after the script). Redis replicates asynchronously: without it, a failover can lose a grant the
    /// holder was told about, and the next caller gets the lock (and a fencing token) again. A grant not confirmed in
    /// <see cref="ReplicaAckTimeout"/> fails with a 503 (the lease may exist on the master until it runs out). Set it
    /// only where every master has that many replicas, or every grant fails.
    /// </summary>
    /// <value>The default is 0: no WAIT. At most 5.</value>
    public int ReplicaAcks { get; set; }

    /// <summary>
    /// Gets or sets whether each release is also published as a <c>lock.released</c> event on the owner's topic
    /// <c>user:{owner}</c>. The holder that released knows it did, so this is for other watchers (an operator's page);
    /// it costs a topic publish (a grain call and an <c>XADD</c>) per release, more than the release itself. Lost
    /// leases (<c>lock.lost</c>) are always published.
    /// </summary>
    /// <value>The default is <see langword="false"/>.</value>
    public bool NotifyReleases { get; set; }

    /// <summary>Gets or sets how long a write waits for <see cref="ReplicaAcks"/> replicas.</summary>
    /// <value>The default is 500 ms. Between 1 ms and 5 s.</value>
    public TimeSpan ReplicaAckTimeout { get; set; } = TimeSpan.FromMilliseconds(500);

    /// <summary>Gets the replica confirmation these options ask for.</summary>
    public ReplicaWait ReplicaWait => new(ReplicaAcks, ReplicaAckTimeout);
}
