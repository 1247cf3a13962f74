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
}
