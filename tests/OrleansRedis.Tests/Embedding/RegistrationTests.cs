using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;
using Orleans.Storage;
using OrleansRedis.Grains.Filters;
using OrleansRedis.Grains.Hosting;
using OrleansRedis.Grains.Locks;
using OrleansRedis.Redis;
using OrleansRedis.Redis.Hosting;

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

    [Fact]
    public void AddOrleansRedisLocks_CodeThenSecondCallWithConfiguration_CodeWins()
    {
        var silo = new RecordingSiloBuilder(new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["OrleansRedis:Redis:State"] = "localhost:6379",
            ["OrleansRedis:Locks:MaxWaitersPerLock"] = "5",
            ["OrleansRedis:Locks:MaxLease"] = "00:03:00",
        }).Build());

        silo.AddOrleansRedisLocks(o => o.MaxWaitersPerLock = 7);
        silo.AddOrleansRedisLocks();
        using var services = silo.Services.BuildServiceProvider();
        var options = services.GetRequiredService<IOptions<LockOptions>>().Value;

        // Code after configuration, whatever the order of the calls; the configured value the code left alone stands.
        Assert.Equal((7, TimeSpan.FromMinutes(3)), (options.MaxWaitersPerLock, options.MaxLease));
    }

    [Fact]
    public void AddOrleansRedisConnections_CodeOnlyThenCapabilityWithConfiguration_CodeWins()
    {
        var services = new ServiceCollection();
        var configuration = new ConfigurationBuilder()
            .AddInMemoryCollection(new Dictionary<string, string?> { ["OrleansRedis:Redis:State"] = "configured:6379" })
            .Build();

        services.AddOrleansRedisConnections(null, o => o.State = "code:6379");
        services.AddOrleansRedisLocks(configuration);
        using var provider = services.BuildServiceProvider();

        Assert.Equal("code:6379", provider.GetRequiredService<IOptions<RedisOptions>>().Value.State);
    }

    [Fact]
    public void AddOrleansRedisLocks_TwiceWithUnreadableValue_ReportsItOnce()
    {
        var silo = new RecordingSiloBuilder(new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["OrleansRedis:Redis:State"] = "localhost:6379",
            ["OrleansRedis:Locks:MaxWaitersPerLock"] = "lots",
        }).Build());

        silo.AddOrleansRedisLocks().AddOrleansRedisLocks();
        using var services = silo.Services.BuildServiceProvider();
        var error = Assert.Throws<OptionsValidationException>(() => services.GetRequiredService<IOptions<LockOptions>>().Value);

        Assert.Equal(["OrleansRedis:Locks:MaxWaitersPerLock must be a whole number (it was 'lots')."], error.Failures);
        Assert.Single(services.GetServices<IValidateOptions<LockOptions>>());
        Assert.Single(silo.Services, d => d.ServiceType == typeof(IConfigureOptions<LockOptions>));
    }
}
