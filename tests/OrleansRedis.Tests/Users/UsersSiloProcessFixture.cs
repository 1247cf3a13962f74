using Microsoft.Data.Sqlite;
using OrleansRedis.Grains.Users;
using OrleansRedis.Testing;

namespace OrleansRedis.Tests.Users;

/// <summary>A private Redis and one real silo process whose users live in a SQLite file in a temporary folder.</summary>
public sealed class UsersSiloProcessFixture : IAsyncLifetime
{
    private readonly string _directory = Directory.CreateTempSubdirectory("orleansredis-users-http-").FullName;

    public RedisServer Redis { get; private set; } = null!;

    public SiloProcess Silo { get; private set; } = null!;

    /// <summary>Gets a repository on the silo's SQLite file, for arranging rows behind the silo's back.</summary>
    public SqliteUserRepository Database { get; private set; } = null!;

    public async ValueTask InitializeAsync()
    {
        Redis = await RedisServer.StartAsync();
        var connectionString = $"Data Source={Path.Combine(_directory, "data", "users.db")}";
        Silo = SiloProcess.Start(Redis.ConnectionString, $"http-{Guid.NewGuid():N}", $"http-{Guid.NewGuid():N}", new Dictionary<string, string>
        {
            ["OrleansRedis__Database__ConnectionString"] = connectionString,
        });
        await Silo.WaitReadyAsync();
        Database = new SqliteUserRepository(connectionString, TimeSpan.FromSeconds(5));
    }

    public async ValueTask DisposeAsync()
    {
        if (Silo is not null)
        {
            await Silo.DisposeAsync();
        }

        if (Redis is not null)
        {
            await Redis.DisposeAsync();
        }

        SqliteConnection.ClearAllPools();
        Directory.Delete(_directory, recursive: true);
    }
}

/// <summary>The <c>/users</c> HTTP tests: they share one silo process, each on user ids of its own.</summary>
[CollectionDefinition(Name)]
public sealed class UsersSiloProcessCollection : ICollectionFixture<UsersSiloProcessFixture>
{
    public const string Name = "users-silo-process";
}
