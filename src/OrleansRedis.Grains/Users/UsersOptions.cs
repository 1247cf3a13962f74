namespace OrleansRedis.Grains.Users;

/// <summary>Cache-aside behaviour of the user grain. Bound from <c>OrleansRedis:Users</c>.</summary>
public sealed class UsersOptions
{
    /// <summary>The configuration section these options are bound from.</summary>
    public const string SectionName = "OrleansRedis:Users";

    /// <summary>
    /// Gets or sets how long a loaded user stays cached (in Redis and in the activation) before the next read goes back
    /// to the database. It bounds how long a change made to the database behind the grain's back stays invisible.
    /// </summary>
    /// <value>The default is 1 hour.</value>
    public TimeSpan CacheTtl { get; set; } = TimeSpan.FromHours(1);

    /// <summary>
    /// Gets or sets the largest random extra added to <see cref="CacheTtl"/> per entry, so users loaded together (after
    /// a deploy, a cache flush) do not all expire in the same second.
    /// </summary>
    /// <value>The default is 5 minutes (TTLs spread over 3600-3900 s).</value>
    public TimeSpan CacheTtlJitter { get; set; } = TimeSpan.FromMinutes(5);

    /// <summary>
    /// Gets or sets how long "no such user" is cached, and how long the tombstone of a deleted user lives. It must
    /// outlast <c>OrleansRedis:Database:OperationTimeout</c>: the tombstone is what stops a slow reader from writing
    /// the deleted user back.
    /// </summary>
    /// <value>The default is 60 seconds.</value>
    public TimeSpan NegativeCacheTtl { get; set; } = TimeSpan.FromSeconds(60);

    /// <summary>
    /// Gets or sets whether a read whose cached copy has expired is answered with that copy, marked stale, when the
    /// database cannot be reached. Off: such reads fail with 503.
    /// </summary>
    /// <value>The default is <see langword="true"/>.</value>
    public bool ServeStaleOnDatabaseFailure { get; set; } = true;
}
