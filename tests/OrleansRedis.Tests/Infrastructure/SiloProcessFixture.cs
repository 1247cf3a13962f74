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

    /// <inheritdoc />
    public async ValueTask InitializeAsync()
    {
        Redis = await RedisServer.StartAsync();
        var settings = new Dictionary<string, string> { ["OrleansRedis__Admin__ApiKey"] = AdminKey };
        for (var i = 0; i < 2; i++)
        {
            _silos.Add(SiloProcess.Start(Redis.ConnectionString, ClusterId, ServiceId, settings));
        }

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
