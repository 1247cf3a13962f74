namespace OrleansRedis.Grains.Users;

/// <summary>The database of record for users. Bound from <c>OrleansRedis:Database</c>.</summary>
public sealed class DatabaseOptions
{
    /// <summary>The configuration section these options are bound from.</summary>
    public const string SectionName = "OrleansRedis:Database";

    /// <summary>The SQLite connection string used when none is configured: a file in the <c>.data</c> folder.</summary>
    public const string DefaultSqliteConnectionString = "Data Source=.data/users.db";

    /// <summary>Gets or sets which database holds the users.</summary>
    /// <value>The default is <see cref="DatabaseProvider.Sqlite"/>.</value>
    public DatabaseProvider Provider { get; set; } = DatabaseProvider.Sqlite;

    /// <summary>
    /// Gets or sets the ADO.NET connection string. For SQLite a relative <c>Data Source</c> is resolved against the
    /// working directory and its folder is created on start; for PostgreSQL it is required. A secret: never logged.
    /// </summary>
    /// <value>
    /// The default is <see langword="null"/>: <see cref="DefaultSqliteConnectionString"/> for SQLite, and an error for
    /// PostgreSQL.
    /// </value>
    public string? ConnectionString { get; set; }

    /// <summary>
    /// Gets or sets how long one database operation (connect included) may take before it fails as
    /// <c>DatabaseUnavailable</c>. Kept well under Orleans' 30 s response timeout so that a hung database surfaces as a
    /// fast 503 or a stale read instead of a hung grain call.
    /// </summary>
    /// <value>The default is 5 seconds.</value>
    public TimeSpan OperationTimeout { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>Gets the connection string in effect: the configured one or the provider's default.</summary>
    public string EffectiveConnectionString =>
        ConnectionString is { Length: > 0 } configured ? configured : Provider == DatabaseProvider.Sqlite ? DefaultSqliteConnectionString : string.Empty;

    /// <inheritdoc />
    public override string ToString() => $"Provider = {Provider}, ConnectionString = (redacted), OperationTimeout = {OperationTimeout}";
}
