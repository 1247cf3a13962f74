using System.Data;
using System.Data.Common;
using OrleansRedis.Abstractions.Users;

namespace OrleansRedis.Grains.Users;

/// <summary>
/// The SQL shared by the ADO.NET repositories. Both SQLite and PostgreSQL understand it as written: upserts, RETURNING,
/// TRUE/FALSE. Subclasses supply connections, the schema migrations and the provider's transient errors.
/// </summary>
public abstract class AdoUserRepository : IUserRepository
{
    /// <summary>The table of users.</summary>
    public const string Table = "orleansredis_users";

    /// <summary>The table recording the schema version.</summary>
    public const string SchemaTable = "orleansredis_schema";

    private const string SelectSql = $"SELECT name, email, version, updated_at_ms, deleted FROM {Table} WHERE id = @id";

    // A live user conflicts; a tombstone is revived with the next version, so versions never go back for an id.
    private const string CreateSql = $"""
        INSERT INTO {Table} (id, name, email, version, updated_at_ms, deleted) VALUES (@id, @name, @email, 1, @now, FALSE)
        ON CONFLICT (id) DO UPDATE SET name = excluded.name, email = excluded.email, version = {Table}.version + 1,
          updated_at_ms = excluded.updated_at_ms, deleted = FALSE
        WHERE {Table}.deleted
        RETURNING version
        """;

    private const string UpdateSql = $"""
        UPDATE {Table} SET name = @name, email = @email, version = version + 1, updated_at_ms = @now
        WHERE id = @id AND version = @expected AND NOT deleted
        RETURNING version
        """;

    // The tombstone keeps only the id and the next version: no personal data stays behind.
    private const string DeleteSql = $"""
        UPDATE {Table} SET name = NULL, email = NULL, version = version + 1, updated_at_ms = @now, deleted = TRUE
        WHERE id = @id AND NOT deleted AND (@expected IS NULL OR version = @expected)
        RETURNING version
        """;

    private readonly SemaphoreSlim _schemaLock = new(1, 1);
    private volatile bool _schemaReady;

    /// <summary>Creates the repository.</summary>
    /// <param name="operationTimeout">The longest one operation (connect included) may take.</param>
    protected AdoUserRepository(TimeSpan operationTimeout) => OperationTimeout = operationTimeout;

    /// <summary>Gets the longest one operation may take.</summary>
    public TimeSpan OperationTimeout { get; }

    /// <summary>Gets the provider's name for messages.</summary>
    protected abstract string ProviderName { get; }

    /// <inheritdoc />
    public async Task InitializeAsync(CancellationToken cancellationToken)
    {
        if (_schemaReady)
        {
            return;
        }

        await _schemaLock.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            if (!_schemaReady)
            {
                await RunAsync("initialize", async (connection, token) =>
                {
                    await MigrateAsync(connection, token).ConfigureAwait(false);
                    return 0;
                }, cancellationToken, ensureSchema: false).ConfigureAwait(false);
                _schemaReady = true;
            }
        }
        finally
        {
            _schemaLock.Release();
        }
    }

    /// <inheritdoc />
    public Task<UserLookup> GetAsync(string id, CancellationToken cancellationToken) =>
        RunAsync("get", async (connection, token) => await SelectAsync(connection, id, token).ConfigureAwait(false), cancellationToken);

    /// <inheritdoc />
    public Task<UserRecord> CreateAsync(string id, string name, string email, DateTimeOffset now, CancellationToken cancellationToken)
    {
        var at = Truncate(now);
        return RunAsync("create", async (connection, token) =>
        {
            await using var command = Command(connection, CreateSql, ("id", id), ("name", name), ("email", email), ("now", at.ToUnixTimeMilliseconds()));
            if (await command.ExecuteScalarAsync(token).ConfigureAwait(false) is { } version and not DBNull)
            {
                return new UserRecord(id, name, email, Convert.ToInt64(version), at);
            }

            var current = await SelectAsync(connection, id, token).ConfigureAwait(false);
            throw new UserException(UserErrorCode.AlreadyExists, $"User '{id}' already exists.", current.Version);
        }, cancellationToken);
    }

    /// <inheritdoc />
    public Task<UserRecord> UpdateAsync(string id, string name, string email, long expectedVersion, DateTimeOffset now, CancellationToken cancellationToken)
    {
        var at = Truncate(now);
        return RunAsync("update", async (connection, token) =>
        {
            await using var command = Command(connection, UpdateSql,
                ("id", id), ("name", name), ("email", email), ("now", at.ToUnixTimeMilliseconds()), ("expected", expectedVersion));
            if (await command.ExecuteScalarAsync(token).ConfigureAwait(false) is { } version and not DBNull)
            {
                return new UserRecord(id, name, email, Convert.ToInt64(version), at);
            }

            throw await WhyNotWrittenAsync(connection, id, expectedVersion, token).ConfigureAwait(false);
        }, cancellationToken);
    }

    /// <inheritdoc />
    public Task<long> DeleteAsync(string id, long? expectedVersion, DateTimeOffset now, CancellationToken cancellationToken)
    {
        var at = Truncate(now);
        return RunAsync("delete", async (connection, token) =>
        {
            await using var command = Command(connection, DeleteSql, ("id", id), ("now", at.ToUnixTimeMilliseconds()), ("expected", expectedVersion));
            if (await command.ExecuteScalarAsync(token).ConfigureAwait(false) is { } version and not DBNull)
            {
                return Convert.ToInt64(version);
            }

            throw await WhyNotWrittenAsync(connection, id, expectedVersion, token).ConfigureAwait(false);
        }, cancellationToken);
    }

    /// <summary>Opens a connection (bounded by <paramref name="cancellationToken"/>).</summary>
    protected abstract Task<DbConnection> OpenAsync(CancellationToken cancellationToken);

    /// <summary>Creates or migrates the schema on an open connection, serialized against other processes.</summary>
    protected abstract Task MigrateAsync(DbConnection connection, CancellationToken cancellationToken);

    /// <summary>Creates a command with typed parameters and the operation timeout.</summary>
    protected DbCommand Command(DbConnection connection, string sql, params (string Name, object? Value)[] parameters)
    {
        var command = connection.CreateCommand();
        command.CommandText = sql;
        command.CommandTimeout = Math.Max(1, (int)Math.Ceiling(OperationTimeout.TotalSeconds));
        foreach (var (name, value) in parameters)
        {
            var parameter = command.CreateParameter();
            parameter.ParameterName = name;
            // Typed even when null, so PostgreSQL can infer '@expected IS NULL'.
            parameter.DbType = value is string ? DbType.String : DbType.Int64;
            parameter.Value = value ?? DBNull.Value;
            command.Parameters.Add(parameter);
        }

        return command;
    }

    /// <summary>Runs the migration steps above the stored schema version, recording each; call inside a transaction.</summary>
    protected async Task ApplyMigrationsAsync(DbConnection connection, DbTransaction transaction, IReadOnlyList<string> migrations, CancellationToken cancellationToken)
    {
        await using (var create = Command(connection, $"CREATE TABLE IF NOT EXISTS {SchemaTable} (id INTEGER PRIMARY KEY, version INTEGER NOT NULL)"))
        {
            create.Transaction = transaction;
            await create.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
        }

        long current;
        await using (var read = Command(connection, $"SELECT version FROM {SchemaTable} WHERE id = 1"))
        {
            read.Transaction = transaction;
            current = await read.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false) is { } value and not DBNull ? Convert.ToInt64(value) : 0;
        }

        for (var step = (int)current; step < migrations.Count; step++)
        {
            await using var migrate = Command(connection, migrations[step]);
            migrate.Transaction = transaction;
            await migrate.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
        }

        if (current < migrations.Count)
        {
            await using var record = Command(connection,
                $"INSERT INTO {SchemaTable} (id, version) VALUES (1, @version) ON CONFLICT (id) DO UPDATE SET version = excluded.version",
                ("version", (long)migrations.Count));
            record.Transaction = transaction;
            await record.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
        }
    }

    private static DateTimeOffset Truncate(DateTimeOffset now) =>
        DateTimeOffset.FromUnixTimeMilliseconds(now.ToUnixTimeMilliseconds());

    private static async Task<UserLookup> SelectAsync(DbConnection connection, string id, CancellationToken cancellationToken)
    {
        await using var command = connection.CreateCommand();
        command.CommandText = SelectSql;
        var parameter = command.CreateParameter();
        parameter.ParameterName = "id";
        parameter.DbType = DbType.String;
        parameter.Value = id;
        command.Parameters.Add(parameter);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        if (!await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
        {
            return new UserLookup(null, 0);
        }

        var version = reader.GetInt64(2);
        if (reader.GetBoolean(4))
        {
            return new UserLookup(null, version);
        }

        var user = new UserRecord(id, reader.GetString(0), reader.GetString(1), version, DateTimeOffset.FromUnixTimeMilliseconds(reader.GetInt64(3)));
        return new UserLookup(user, version);
    }

    private static async Task<UserException> WhyNotWrittenAsync(DbConnection connection, string id, long? expectedVersion, CancellationToken cancellationToken)
    {
        var current = await SelectAsync(connection, id, cancellationToken).ConfigureAwait(false);
        return current.User is null
            ? new UserException(UserErrorCode.NotFound, $"User '{id}' does not exist.", current.Version)
            : new UserException(UserErrorCode.VersionConflict,
                $"User '{id}' is at version {current.Version}, not {expectedVersion}: it changed since it was read.", current.Version);
    }

    private async Task<T> RunAsync<T>(string operation, Func<DbConnection, CancellationToken, Task<T>> work, CancellationToken cancellationToken, bool ensureSchema = true)
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(OperationTimeout);
        // Reads may run twice: a pooled connection that a database restart broke fails its first command, and the
        // retry gets a new one. Writes never do: a write that failed mid-flight may have committed.
        var attempts = operation is "get" or "initialize" ? 2 : 1;
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                if (ensureSchema && !_schemaReady)
                {
                    // The database may have been down at start: the schema is created by the first operation that reaches it.
                    await InitializeAsync(timeout.Token).ConfigureAwait(false);
                }

                using var writer = operation is "get" ? null : await EnterWriteAsync(timeout.Token).ConfigureAwait(false);
                await using var connection = await OpenAsync(timeout.Token).ConfigureAwait(false);
                return await work(connection, timeout.Token).ConfigureAwait(false);
            }
            catch (OperationCanceledException ex) when (timeout.IsCancellationRequested && !cancellationToken.IsCancellationRequested)
            {
                OnConnectionFailure();
                throw Unavailable(operation, $"it did not answer within {OperationTimeout}", ex);
            }
            catch (Exception ex) when (ex is DbException or TimeoutException or IOException or System.Net.Sockets.SocketException)
            {
                OnConnectionFailure();
                if (attempt < attempts && !timeout.IsCancellationRequested)
                {
                    continue;
                }

                throw Unavailable(operation, ex.Message, ex);
            }
        }
    }

    /// <summary>
    /// Called before a write (or a migration); the returned scope ends when it finishes. The default lets writes run
    /// in parallel; a database with a single writer can queue them here instead of inside the database.
    /// </summary>
    protected virtual Task<IDisposable?> EnterWriteAsync(CancellationToken cancellationToken) => Task.FromResult<IDisposable?>(null);

    /// <summary>
    /// Called after a failed operation: drop pooled connections, which a database restart may have broken, so the
    /// next operation opens a fresh one instead of failing on a dead socket.
    /// </summary>
    protected virtual void OnConnectionFailure()
    {
    }

    private UserException Unavailable(string operation, string reason, Exception inner) =>
        new(UserErrorCode.DatabaseUnavailable, $"The {ProviderName} database failed the user {operation}: {reason}", innerException: inner);
}
