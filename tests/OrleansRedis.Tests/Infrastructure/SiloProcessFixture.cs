using OrleansRedis.Testing;

namespace OrleansRedis.Tests.Infrastructure;

/// <summary>A private Redis and two real silo processes (the built host) that form one cluster through it.</summary>
public sealed class SiloProcessFixture : IAsyncLifetime
{
    private readonly List<SiloProcess> _silos = [];

    /// <summary>Gets the Redis server.</summary>
    public RedisServer Redis { get; private set; } = null!;

    /// <summary>Gets the running silos.</summary>
    public IReadOnlyList<SiloProcess> Silos => _silos;

    /// <summary>Gets the cluster id.</summary>
    public string ClusterId { get; } = $"proc-{Guid.NewGuid():N}";

    /// <summary>Gets the service id.</summary>
    public string ServiceId { get; } = $"proc-{Guid.NewGuid():N}";

    /// <summary>Gets the admin key the silos were started with.</summary>
    public string AdminKey { get; } = $"admin-{Guid.NewGuid():N}";

    /// <summary>
    /// The queues the HTTP tests use, declared as an operator would: <c>http</c> (2 partitions, 2 attempts, 50 ms
    /// backoff), <c>httpfull</c> (a depth cap of 2), <c>httpsched</c> (recurring schedules only).
    /// </summary>
    public static IReadOnlyDictionary<string, string> QueueDefinitions { get; } = new Dictionary<string, string>
    {
        ["OrleansRedis__Queues__Definitions__http__Partitions"] = "2",
        ["OrleansRedis__Queues__Definitions__http__MaxAttempts"] = "2",
        ["OrleansRedis__Queues__Definitions__http__BackoffBase"] = "00:00:00.050",
        ["OrleansRedis__Queues__Definitions__httpfull__Partitions"] = "1",
        ["OrleansRedis__Queues__Definitions__httpfull__MaxDepth"] = "2",
        ["OrleansRedis__Queues__Definitions__httpsched__Partitions"] = "1",
    };

    /// <inheritdoc />
    public async ValueTask InitializeAsync()
    {
        Redis = await RedisServer.StartAsync();
        var settings = new Dictionary<string, string>(QueueDefinitions)
        {
            ["OrleansRedis__Admin__ApiKey"] = AdminKey,
            ["OrleansRedis__Locks__NotifyReleases"] = "true", // the notification tests read lock.released
        };
        for (var i = 0; i < 2; i++)
        {
            _silos.Add(SiloProcess.Start(Redis.ConnectionString, ClusterId, ServiceId, settings));
        }

        await Task.WhenAll(_silos.Select(s => s.WaitReadyAsync()));
    }

    /// <summary>
    /// Restarts Redis (its data kept) and waits until every silo answers <c>/health/ready</c> again: a test that proved
    /// one capability works again through one silo leaves the other silo's connection still reconnecting, and the next
    /// test of the collection would meet its 503.
    /// </summary>
    public async Task RestartRedisAsync()
    {
        await Redis.RestartAsync();
        await Task.WhenAll(_silos.Select(s => s.WaitReadyAsync()));
    }

    /// <inheritdoc />
    public async ValueTask DisposeAsync()
    {
        foreach (var silo in _silos)
        {
            await silo.DisposeAsync();
        }

        if (Redis is not null)
        {
            await Redis.DisposeAsync();
        }
    }
}

/// <summary>Test classes that share the two silo processes.</summary>
[CollectionDefinition(Name)]
public sealed class SiloProcessCollection : ICollectionFixture<SiloProcessFixture>
{
    public const string Name = "silo-processes";
}
