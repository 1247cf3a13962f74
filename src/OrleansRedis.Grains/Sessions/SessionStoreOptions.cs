using OrleansRedis.Redis;

namespace OrleansRedis.Grains.Sessions;

/// <summary>
/// Timeouts and limits of the session store. Bound from <c>OrleansRedis:Sessions</c> and validated at start.
/// </summary>
public sealed class SessionStoreOptions
{
    /// <summary>The configuration section these options are bound from.</summary>
    public const string SectionName = "OrleansRedis:Sessions";

    /// <summary>Gets or sets how long a session lives without being read, unless the session sets its own.</summary>
    /// <value>The default is 30 minutes.</value>
    public TimeSpan IdleTimeout { get; set; } = TimeSpan.FromMinutes(30);

    /// <summary>
    /// Gets or sets how long a session lives at most, however often it is read, unless the session sets its own.
    /// </summary>
    /// <value>The default is 8 hours (OWASP suggests 4-8 hours for most applications).</value>
    public TimeSpan AbsoluteTimeout { get; set; } = TimeSpan.FromHours(8);

    /// <summary>Gets or sets the longest idle timeout a session may ask for.</summary>
    /// <value>The default is 24 hours.</value>
    public TimeSpan MaxIdleTimeout { get; set; } = TimeSpan.FromHours(24);

    /// <summary>
    /// Gets or sets the longest absolute timeout a session may ask for. A user's "revoke all" mark is kept this long,
    /// so that no session older than the mark can come back.
    /// </summary>
    /// <value>The default is 7 days.</value>
    public TimeSpan MaxAbsoluteTimeout { get; set; } = TimeSpan.FromDays(7);

    /// <summary>Gets or sets the largest session data accepted, as compact UTF-8 JSON.</summary>
    /// <value>The default is 65536 (64 KiB).</value>
    public int MaxDataBytes { get; set; } = 64 * 1024;

    /// <summary>
    /// Gets or sets how recent the last slide may be for a read to be served from the session grain's memory without
    /// writing Redis. The Redis TTL then lags the exact idle deadline by less than this (never by more than a quarter
    /// of the session's idle timeout). Revocation, rotation and destroy reach the grain, so it never serves an ended
    /// session. <see cref="TimeSpan.Zero"/> slides in Redis on every read.
    /// </summary>
    /// <value>The default is 500 milliseconds; at most 1 second.</value>
    public TimeSpan SlideResolution { get; set; } = TimeSpan.FromMilliseconds(500);

    /// <summary>
    /// Gets or sets how many replicas must confirm each session write, end, delete, indexing and revocation before it
    /// is reported (<c>WAIT</c> after the script). Without it, a failover can lose a session just handed out (its user
    /// is logged out) or a revocation (the revoked sessions come back). A write not confirmed in
    /// <see cref="ReplicaAckTimeout"/> fails with a 503. Set it only where every master has that many replicas.
    /// </summary>
    /// <value>The default is 0: no WAIT. At most 5.</value>
    public int ReplicaAcks { get; set; }

    /// <summary>Gets or sets how long a write waits for <see cref="ReplicaAcks"/> replicas.</summary>
    /// <value>The default is 500 ms. Between 1 ms and 5 s.</value>
    public TimeSpan ReplicaAckTimeout { get; set; } = TimeSpan.FromMilliseconds(500);

    /// <summary>Gets the replica confirmation these options ask for.</summary>
    public ReplicaWait ReplicaWait => new(ReplicaAcks, ReplicaAckTimeout);
}
