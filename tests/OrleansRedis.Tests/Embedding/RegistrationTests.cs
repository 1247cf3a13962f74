using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Orleans.Storage;
using OrleansRedis.Grains.Filters;
using OrleansRedis.Grains.Hosting;
using OrleansRedis.Redis;

namespace OrleansRedis.Tests.Embedding;

/// <summary>What the registrations put into a silo's container, and what they leave alone.</summary>
public sealed class RegistrationTests
{
    private static readonly IConfiguration Configuration = new ConfigurationBuilder()
        .AddInMemoryCollection(new Dictionary<string, string?> { ["OrleansRedis:Redis:State"] = "localhost:6379" })
        .Build();

    [Fact]
    public void UseOrleansRedis_Appliance_RegistersNoSiloWideSerializerAndOneFilter()
    {
        var silo = new RecordingSiloBuilder(Configuration);

        silo.UseOrleansRedis();

        Assert.DoesNotContain(silo.Services, d => d.ServiceType == typeof(IGrainStorageSerializer));
        Assert.Single(silo.Services, d => d.ServiceType == typeof(IIncomingGrainCallFilter));
        Assert.Single(silo.Services, d => d.ServiceType == typeof(RedisConnections));
    }

    [Fact]
    public void CapabilityExtensions_EachAddedTwice_OneFilterOneConnectionSetAndNoStorage()
    {
        var silo = new RecordingSiloBuilder(Configuration);

        for (var i = 0; i < 2; i++)
        {
            silo.AddOrleansRedisRateLimiting().AddOrleansRedisLocks().AddOrleansRedisSessions().AddOrleansRedisUsers().AddOrleansRedisOperations();
        }

        Assert.Single(silo.Services, d => d.ServiceType == typeof(IIncomingGrainCallFilter) && d.ImplementationType == typeof(BackendFailureFilter));
        Assert.Single(silo.Services, d => d.ServiceType == typeof(RedisConnections));
        Assert.DoesNotContain(silo.Services, d => d.ServiceType == typeof(IGrainStorage) || d.ServiceType == typeof(IGrainStorageSerializer));
    }

    [Fact]
    public void CapabilityExtensions_ConfigureDelegate_OverridesConfiguration()
    {
        var silo = new RecordingSiloBuilder(new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["OrleansRedis:Redis:State"] = "localhost:6379",
            ["OrleansRedis:Locks:MaxWaitersPerLock"] = "5",
        }).Build());

        silo.AddOrleansRedisLocks(o => o.MaxLease = TimeSpan.FromMinutes(2));
        using var services = silo.Services.BuildServiceProvider();
        var options = services.GetRequiredService<Microsoft.Extensions.Options.IOptions<OrleansRedis.Grains.Locks.LockOptions>>().Value;

        Assert.Equal((5, TimeSpan.FromMinutes(2)), (options.MaxWaitersPerLock, options.MaxLease));
    }
}
