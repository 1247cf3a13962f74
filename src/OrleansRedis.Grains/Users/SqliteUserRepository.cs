using System.Data.Common;
using Microsoft.Data.Sqlite;

namespace OrleansRedis.Grains.Users;

/// <summary>
/// Users in an embedded SQLite file, created with its schema on first start. WAL journaling lets several silo
/// processes on one machine share the file; writers wait for each other up to the operation timeout.
/// </summary>
public sealed class SqliteUserRepository : AdoUserRepository
{
    private static readonly string[] Migrations =
    [
        $"""
        CREATE TABLE {Table} (
          id TEXT NOT NULL PRIMARY KEY,
          name TEXT NULL,
          email TEXT NULL,
          version INTEGER NOT NULL,
          updated_at_ms INTEGER NOT NULL,
          deleted INTEGER NOT NULL DEFAULT 0
        )
        """,
    ];

    private readonly string _connectionString;
    private readonly SemaphoreSlim _writer = new(1, 1);
    private bool _folderReady;

    /// <summary>Creates the repository; the file and its folder are created by <see cref="AdoUserRepository.InitializeAsync"/>.</summary>
    /// <param name="connectionString">A SQLite connection string naming a file.</param>
    /// <param name="operationTimeout">The longest one operation may take, waiting for other writers included.</param>
    public SqliteUserRepository(string connectionString, TimeSpan operationTimeout)
        : base(operationTimeout)
    {
        var builder = new SqliteConnectionStringBuilder(connectionString)
        {
            Mode = SqliteOpenMode.ReadWriteCreate,
            DefaultTimeout = Math.Max(1, (int)Math.Ceiling(operationTimeout.TotalSeconds)),
        };
        builder.DataSource = Path.GetFullPath(builder.DataSource);
        FilePath = builder.DataSource;
        _connectionString = builder.ToString();
    }

    /// <summary>Gets the full path of the database file.</summary>
    public string FilePath { get; }

    /// <inheritdoc />
    protected override string ProviderName => "SQLite";

    /// <inheritdoc />
    protected override async Task<DbConnection> OpenAsync(CancellationToken cancellationToken)
    {
        if (!_folderReady)
        {
            // SQLite creates the file but not its folder.
            Directory.CreateDirectory(Path.GetDirectoryName(FilePath)!);
            _folderReady = true;
        }

        var connection = new SqliteConnection(_connectionString);
        try
        {
            await connection.OpenAsync(cancellationToken).ConfigureAwait(false);
            // Safe with WAL (an application crash loses nothing; a power cut may lose the last commits) and it saves
            // an fsync per commit.
            await using var synchronous = connection.CreateCommand();
            synchronous.CommandText = "PRAGMA synchronous = NORMAL";
            await synchronous.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
            return connection;
        }
        catch
        {
            await connection.DisposeAsync().ConfigureAwait(false);
            throw;
        }
    }

    /// <inheritdoc />
    /// <remarks>
    /// SQLite has one writer at a time. Queuing this process's writers here, in order, beats letting them all spin on
    /// the file lock until some time out with "database is locked"; writers of other processes still wait on the lock.
    /// </remarks>
    protected override async Task<IDisposable?> EnterWriteAsync(CancellationToken cancellationToken)
    {
        await _writer.WaitAsync(cancellationToken).ConfigureAwait(false);
        return new Releaser(_writer);
    }

    /// <inheritdoc />
    protected override async Task MigrateAsync(DbConnection connection, CancellationToken cancellationToken)
    {
        await using (var wal = Command(connection, "PRAGMA journal_mode = WAL"))
        {
            await wal.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
        }

        // BEGIN IMMEDIATE: the first process to start takes the write lock; the others wait and then find the schema done.
        await using var transaction = ((SqliteConnection)connection).BeginTransaction(deferred: false);
        await ApplyMigrationsAsync(connection, transaction, Migrations, cancellationToken).ConfigureAwait(false);
        await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
    }

    private sealed class Releaser(SemaphoreSlim semaphore) : IDisposable
    {
        public void Dispose() => semaphore.Release();
    }
}
