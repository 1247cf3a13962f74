using OrleansRedis.Testing;
using StackExchange.Redis;

namespace OrleansRedis.Tests.RateLimiting;

/// <summary>
/// A private Redis and two real silo processes (the built host) with rate-limit policies passed as environment
/// variables, the way an operator configures them: <c>t1</c> (sliding log, 3 per minute), <c>t2</c> (token bucket,
/// 5 per 5 minutes), and the <c>open</c>/<c>closed</c> failure-mode policies of <see cref="RateLimitTestPolicies"/>.
/// </summary>
public sealed class RateLimitSiloProcessFixture : IAsyncLifetime
{
    private readonly List<SiloProcess> _silos = [];

    /// <summary>Gets the Redis server.</summary>
    public RedisServer Redis { get; private set; } = null!;

    /// <summary>Gets an admin connection to <see cref="Redis"/> for inspecting keys.</summary>
    public ConnectionMultiplexer Inspector { get; private set; } = null!;

    /// <summary>Gets the running silos.</summary>
    public IReadOnlyList<SiloProcess> Silos => _silos;

    /// <summary>Gets the admin key the silos were started with.</summary>
    public string AdminKey { get; } = $"admin-{Guid.NewGuid():N}";

    /// <inheritdoc />
    public async ValueTask InitializeAsync()
    {
        Redis = await RedisServer.StartAsync();
        Inspector = await Redis.ConnectAsync();
        var settings = new Dictionary<string, string>(RateLimitTestPolicies.Environment)
        {
            ["OrleansRedis__Admin__ApiKey"] = AdminKey,
            ["OrleansRedis__RateLimits__Policies__t1__Algorithm"] = "SlidingLog",
            ["OrleansRedis__RateLimits__Policies__t1__Limit"] = "3",
            ["OrleansRedis__RateLimits__Policies__t1__Window"] = "00:01:00",
            ["OrleansRedis__RateLimits__Policies__t2__Algorithm"] = "TokenBucket",
            ["OrleansRedis__RateLimits__Policies__t2__Limit"] = "5",
            ["OrleansRedis__RateLimits__Policies__t2__Window"] = "00:05:00",
        };
        var clusterId = $"rlproc-{Guid.NewGuid():N}";
        var serviceId = $"rlproc-{Guid.NewGuid():N}";
        for (var i = 0; i < 2; i++)
        {
            _silos.Add(SiloProcess.Start(Redis.ConnectionString, clusterId, serviceId, settings));
        }

        await WaitReadyAsync();
    }

    /// <summary>Waits until every silo answers <c>/health/ready</c>.</summary>
    public Task WaitReadyAsync() => Task.WhenAll(_silos.Select(s => s.WaitReadyAsync()));

    /// <summary>Restarts Redis (its data kept) and waits until every silo answers <c>/health/ready</c> again.</summary>
    public async Task RestartRedisAsync()
    {
        await Redis.RestartAsync();
        await WaitReadyAsync();
    }

    /// <summary>Reads every rate-limit key and its serialized value (DUMP), to prove a request changed nothing.</summary>
    public async Task<IReadOnlyDictionary<string, string>> SnapshotAsync()
    {
        var database = Inspector.GetDatabase();
        var snapshot = new SortedDictionary<string, string>(StringComparer.Ordinal);
        await foreach (var key in Inspector.GetServers()[0].KeysAsync(pattern: "or:ratelimit:*"))
        {
            var dump = await database.KeyDumpAsync(key);
            snapshot[key.ToString()] = dump is null ? "(gone)" : Convert.ToBase64String(dump);
        }

        return snapshot;
    }

    /// <inheritdoc />
    public async ValueTask DisposeAsync()
    {
        foreach (var silo in _silos)
        {
            await silo.DisposeAsync();
        }

        if (Inspector is not null)
        {
            await Inspector.DisposeAsync();
        }

        if (Redis is not null)
        {
            await Redis.DisposeAsync();
        }
    }
}
