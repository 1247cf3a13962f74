using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Orleans.Persistence;
using Orleans.Storage;
using OrleansRedis.Abstractions.Locks;
using OrleansRedis.Abstractions.Probe;
using OrleansRedis.Abstractions.RateLimiting;
using OrleansRedis.Grains;
using OrleansRedis.Redis;
using StackExchange.Redis;

namespace OrleansRedis.Tests.Embedding;

/// <summary>
/// The project's grains hosted in someone else's silo (per-capability extensions, no <c>UseOrleansRedis</c>): the
/// host's clustering, default storage, default serializer, grains and multiplexers stay the host's, and both sides work.
/// </summary>
public sealed class EmbeddingTests(EmbeddingFixture fixture) : IClassFixture<EmbeddingFixture>
{
    [Fact]
    public async Task HostGrain_DefaultStorageAndSerializer_StateRoundTripsWithNewtonsoftTypeNames()
    {
        var grain = fixture.Cluster.Client.GetGrain<IHostCounterGrain>($"host-{Guid.NewGuid():N}");

        await grain.RecordAsync("kept by the host");
        var typeName = await grain.ReadBackTypeAsync();

        var serializer = fixture.Silo.GetRequiredService<IGrainStorageSerializer>();
        var stored = serializer.Serialize(new HostCounterState { Count = 1, Last = new HostNote("x") }).ToString();
        Assert.IsType<JsonGrainStorageSerializer>(serializer);
        Assert.Contains("\"$type\"", stored);
        Assert.Equal(nameof(HostNote), typeName);
    }

    [Fact]
    public async Task ProjectStorage_OwnNamedProvider_SystemTextJsonOnThatProviderOnly()
    {
        var key = $"embed-{Guid.NewGuid():N}";

        await fixture.Cluster.Client.GetGrain<IStateProbeGrain>(key).SetAsync("kept by the project");
        await using var redis = await fixture.Redis.ConnectAsync();
        var data = (string?)await redis.GetDatabase().HashGetAsync($"{fixture.ServiceId}/state/probe/{key}/probe", "data");

        var options = fixture.Silo.GetRequiredService<IOptionsMonitor<RedisStorageOptions>>().Get(EmbeddingSiloConfigurator.StorageName);
        Assert.IsType<SystemTextJsonGrainStorageSerializer>(options.GrainStorageSerializer);
        Assert.NotNull(data);
        Assert.Contains("kept by the project", data);
        Assert.DoesNotContain("$type", data);
        Assert.Same(fixture.Silo.GetRequiredKeyedService<IGrainStorage>(EmbeddingSiloConfigurator.StorageName), fixture.Silo.GetRequiredKeyedService<IGrainStorage>(StorageNames.Redis));
    }

    [Fact]
    public async Task ProjectGrains_LockAndRateLimit_WorkInTheHostSilo()
    {
        var grains = fixture.Cluster.Client;
        var subject = $"embed-{Guid.NewGuid():N}";

        var acquired = await grains.GetGrain<ILockGrain>(subject).AcquireAsync("host", TimeSpan.FromMinutes(1), TimeSpan.Zero);
        var limiter = grains.GetRateLimitGrain(EmbeddingSiloConfigurator.Policy, subject);
        var decisions = new List<bool>();
        for (var i = 0; i < 3; i++)
        {
            decisions.Add((await limiter.CheckAsync()).Allowed);
        }

        Assert.True(acquired.Acquired);
        Assert.Equal([true, true, false], decisions);
    }

    [Fact]
    public async Task HostGrain_InconsistentState_ReachesTheCallerUntranslated()
    {
        var grain = fixture.Cluster.Client.GetGrain<IHostCounterGrain>($"host-{Guid.NewGuid():N}");

        var exception = await Record.ExceptionAsync(grain.ConflictAsync);

        Assert.IsType<InconsistentStateException>(exception);
    }

    [Fact]
    public async Task Connections_HostMultiplexers_UsedInsteadOfNewConnections()
    {
        var connections = fixture.Silo.GetRequiredService<RedisConnections>();
        await fixture.Cluster.Client.GetGrain<ILockGrain>($"embed-{Guid.NewGuid():N}").AcquireAsync("host", TimeSpan.FromMinutes(1), TimeSpan.Zero);

        var state = connections.State;
        var cache = connections.Cache;
        var clients = await fixture.Redis.RunCliAsync("client", "list");

        Assert.Same(fixture.Silo.GetRequiredKeyedService<IConnectionMultiplexer>(EmbeddingSiloConfigurator.StateServiceKey), state);
        Assert.Same(fixture.Silo.GetRequiredService<IConnectionMultiplexer>(), cache);
        Assert.Contains($"name={EmbeddingSiloConfigurator.StateClientName} ", clients);
        Assert.Contains($"name={EmbeddingSiloConfigurator.CacheClientName} ", clients);
        Assert.DoesNotContain("name=orleansredis-state", clients);
        Assert.DoesNotContain("name=orleansredis-cache", clients);
    }

    [Fact]
    public async Task Clustering_HostKeepsItsOwn_NoRedisMembershipTable()
    {
        await using var redis = await fixture.Redis.ConnectAsync();

        var membership = await redis.GetDatabase().KeyExistsAsync($"{fixture.ServiceId}/members/{fixture.ClusterId}");

        Assert.False(membership);
        Assert.Single(fixture.Cluster.GetActiveSilos());
    }
}
