namespace OrleansRedis.AspNetCore.Sessions;

/// <summary>
/// Settings of the ASP.NET Core adapters over the session grains: <see cref="Tickets.OrleansRedisTicketStore"/> and
/// <see cref="OrleansRedisSessionStore"/>. Bound from <c>OrleansRedis:AspNetCoreSessions</c>.
/// </summary>
public sealed class AspNetCoreSessionOptions
{
    /// <summary>The configuration section these options are bound from.</summary>
    public const string SectionName = "OrleansRedis:AspNetCoreSessions";

    /// <summary>
    /// Gets or sets how long an authentication ticket lives at most, however often it is used (its sliding timeout is
    /// the cookie's own lifetime, <c>ExpiresUtc - IssuedUtc</c>). At most the silo's <c>Sessions:MaxAbsoluteTimeout</c>.
    /// </summary>
    /// <value>The default is <see langword="null"/>: the silo's <c>Sessions:AbsoluteTimeout</c> (8 hours).</value>
    public TimeSpan? TicketAbsoluteTimeout { get; set; }

    /// <summary>
    /// Gets or sets how long an <c>HttpContext.Session</c> lives at most (its sliding timeout is
    /// <c>SessionOptions.IdleTimeout</c>). At most the silo's <c>Sessions:MaxAbsoluteTimeout</c>.
    /// </summary>
    /// <value>The default is <see langword="null"/>: the silo's <c>Sessions:AbsoluteTimeout</c> (8 hours).</value>
    public TimeSpan? SessionAbsoluteTimeout { get; set; }
}
