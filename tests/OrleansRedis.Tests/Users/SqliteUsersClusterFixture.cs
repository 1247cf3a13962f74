using OrleansRedis.Grains.Users;

namespace OrleansRedis.Tests.Users;

/// <summary>The users cluster on a SQLite file in a temporary folder, with the default cache settings.</summary>
public class SqliteUsersClusterFixture : UsersClusterFixture
{
    private string? _directory;

    /// <inheritdoc />
    protected override DatabaseProvider Provider => DatabaseProvider.Sqlite;

    /// <inheritdoc />
    protected override Task<string> StartDatabaseAsync()
    {
        _directory = Directory.CreateTempSubdirectory("orleansredis-users-").FullName;
        return Task.FromResult($"Data Source={Path.Combine(_directory, "users.db")}");
    }

    /// <inheritdoc />
    protected override ValueTask StopDatabaseAsync()
    {
        if (_directory is not null)
        {
            Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
            try
            {
                Directory.Delete(_directory, recursive: true);
            }
            catch (IOException)
            {
                // A leftover temp folder is harmless.
            }
        }

        return ValueTask.CompletedTask;
    }
}

/// <summary>Test classes that share one SQLite users cluster and leave it as they found it (fresh ids per test).</summary>
[CollectionDefinition(Name)]
public sealed class SqliteUsersClusterCollection : ICollectionFixture<SqliteUsersClusterFixture>
{
    public const string Name = "users-sqlite-cluster";
}

/// <summary>The SQLite users cluster with its State, cache, membership and grain storage on a Redis Cluster.</summary>
public sealed class SqliteUsersOnRedisClusterFixture : SqliteUsersClusterFixture
{
    /// <inheritdoc />
    protected override bool OnRedisCluster => true;
}

/// <summary>The user contract on a Redis Cluster: one SQLite users cluster shared by its classes (fresh ids per test).</summary>
[CollectionDefinition(Name)]
public sealed class SqliteUsersOnRedisClusterCollection : ICollectionFixture<SqliteUsersOnRedisClusterFixture>
{
    public const string Name = "users-sqlite-on-redis-cluster";
}
