using OrleansRedis.Grains.Users;
using OrleansRedis.Testing;

namespace OrleansRedis.Tests.Users;

/// <summary>The repository contract on a real PostgreSQL server.</summary>
public sealed class PostgresUserRepositoryTests(PostgresUserRepositoryTests.PostgresFixture fixture)
    : UserRepositoryContractTests, IClassFixture<PostgresUserRepositoryTests.PostgresFixture>
{
    protected override AdoUserRepository Repository => fixture.Repository;

    protected override AdoUserRepository CreateUnreachable(TimeSpan timeout) =>
        new PostgresUserRepository($"Host=127.0.0.1;Port={FreePort.Next()};Username=postgres;Database=none", timeout);

    protected override AdoUserRepository CreateAnother() => new PostgresUserRepository(fixture.ConnectionString, TimeSpan.FromSeconds(5));

    /// <summary>A private PostgreSQL server with one database whose schema is initialized.</summary>
    public sealed class PostgresFixture : IAsyncLifetime
    {
        public PostgresServer Server { get; private set; } = null!;

        public string ConnectionString { get; private set; } = null!;

        public PostgresUserRepository Repository { get; private set; } = null!;

        public async ValueTask InitializeAsync()
        {
            Server = await PostgresServer.StartAsync();
            ConnectionString = await Server.CreateDatabaseAsync("contract");
            Repository = new PostgresUserRepository(ConnectionString, TimeSpan.FromSeconds(5));
            await Repository.InitializeAsync(CancellationToken.None);
        }

        public async ValueTask DisposeAsync()
        {
            if (Repository is not null)
            {
                await Repository.DisposeAsync();
            }

            if (Server is not null)
            {
                await Server.DisposeAsync();
            }
        }
    }
}
