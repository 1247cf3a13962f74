using System.Data.Common;
using Npgsql;

namespace OrleansRedis.Grains.Users;

/// <summary>
/// Users in PostgreSQL, for clusters whose silos run on several machines and must share one database. Connections
/// come from one pooled <see cref="NpgsqlDataSource"/>; a connection broken by a database restart is discarded by the
/// pool, so operations resume by themselves when the database is back.
/// </summary>
public sealed class PostgresUserRepository : AdoUserRepository, IAsyncDisposable
{
    // An arbitrary constant: the advisory lock that serializes schema migrations of every silo starting at once.
    private const long MigrationLockKey = 0x4F_52_55_53_45_52_53;

    private static readonly string[] Migrations =
    [
        $"""
        CREATE TABLE {Table} (
          id VARCHAR(64) NOT NULL PRIMARY KEY,
          name VARCHAR(100) NULL,
          email VARCHAR(254) NULL,
          version BIGINT NOT NULL,
          updated_at_ms BIGINT NOT NULL,
          deleted BOOLEAN NOT NULL DEFAULT FALSE
        )
        """,
    ];

    private readonly NpgsqlDataSource _dataSource;

    /// <summary>Creates the repository.</summary>
    /// <param name="connectionString">An Npgsql connection string.</param>
    /// <param name="operationTimeout">The longest one operation (connect included) may take.</param>
    public PostgresUserRepository(string connectionString, TimeSpan operationTimeout)
        : base(operationTimeout)
    {
        var seconds = Math.Max(1, (int)Math.Ceiling(operationTimeout.TotalSeconds));
        var builder = new NpgsqlConnectionStringBuilder(connectionString) { Timeout = seconds, CommandTimeout = seconds };
        _dataSource = NpgsqlDataSource.Create(builder);
    }

    /// <inheritdoc />
    protected override string ProviderName => "PostgreSQL";

    /// <inheritdoc />
    public ValueTask DisposeAsync() => _dataSource.DisposeAsync();

    /// <inheritdoc />
    protected override void OnConnectionFailure() => _dataSource.Clear();

    /// <inheritdoc />
    protected override async Task<DbConnection> OpenAsync(CancellationToken cancellationToken) =>
        await _dataSource.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);

    /// <inheritdoc />
    protected override async Task MigrateAsync(DbConnection connection, CancellationToken cancellationToken)
    {
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken).ConfigureAwait(false);
        await using (var takeLock = Command(connection, "SELECT pg_advisory_xact_lock(@key)", ("key", MigrationLockKey)))
        {
            takeLock.Transaction = transaction;
            await takeLock.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
        }

        await ApplyMigrationsAsync(connection, transaction, Migrations, cancellationToken).ConfigureAwait(false);
        await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
    }
}
