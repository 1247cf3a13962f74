using OrleansRedis.Grains.Users;
using OrleansRedis.Testing;

namespace OrleansRedis.Tests.Users;

/// <summary>
/// The users cluster on a private PostgreSQL server that tests may stop and start, with a short cache TTL (8 s, no
/// jitter) so entries expire while a test watches.
/// </summary>
public sealed class PostgresUsersClusterFixture : UsersClusterFixture
{
    /// <summary>The cache TTL of this fixture.</summary>
    public static readonly TimeSpan CacheTtl = TimeSpan.FromSeconds(8);

    /// <summary>Gets the PostgreSQL server.</summary>
    public PostgresServer Postgres { get; private set; } = null!;

    /// <inheritdoc />
    protected override DatabaseProvider Provider => DatabaseProvider.Postgres;

    /// <inheritdoc />
    protected override IReadOnlyDictionary<string, string> Settings { get; } = new Dictionary<string, string>
    {
        ["OrleansRedis:Users:CacheTtl"] = CacheTtl.ToString(),
        ["OrleansRedis:Users:CacheTtlJitter"] = "00:00:00",
    };

    /// <inheritdoc />
    protected override async Task<string> StartDatabaseAsync()
    {
        Postgres = await PostgresServer.StartAsync();
        return await Postgres.CreateDatabaseAsync("users");
    }

    /// <inheritdoc />
    protected override async ValueTask StopDatabaseAsync()
    {
        if (Postgres is not null)
        {
            await Postgres.DisposeAsync();
        }
    }
}
