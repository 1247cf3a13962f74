using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using System.Diagnostics;
using System.Net;
using System.Net.Http.Json;
using OrleansRedis.Abstractions.Locks;
using OrleansRedis.Client.Locks;
using OrleansRedis.Grains.Locks;
using OrleansRedis.Grains.Sessions;
using OrleansRedis.Silo.Hosting;
using OrleansRedis.Testing;
using OrleansRedis.Tests.Infrastructure;

namespace OrleansRedis.Tests.Locks;

/// <summary>Lock settings are validated at start, with messages that name the setting.</summary>
public sealed class LockOptionsTests
{
    private static readonly TimeSpan ResponseTimeout = TimeSpan.FromSeconds(30);
    private static readonly TimeSpan RedisTimeout = TimeSpan.FromSeconds(2);

    [Fact]
    public void Defaults_AreValid()
    {
        Assert.Empty(LockOptionsValidator.Errors(new LockOptions(), ResponseTimeout, RedisTimeout));
        Assert.Empty(LockClientOptionsValidator.Errors(new LockClientOptions()));
    }

    [Theory]
    [InlineData("00:00:00", "00:00:20", 10, "OrleansRedis:Locks:MaxLease must be at least 1 ms")]
    [InlineData("2.00:00:00", "00:00:20", 10, "OrleansRedis:Locks:MaxLease must be at least 1 ms and at most 1.00:00:00")]
    [InlineData("00:10:00", "-00:00:01", 10, "OrleansRedis:Locks:MaxWait must be between 00:00:00 and 00:00:25")]
    [InlineData("00:10:00", "00:00:26", 10, "OrleansRedis:Locks:MaxWait must be between 00:00:00 and 00:00:25")]
    [InlineData("00:10:00", "00:00:20", 0, "OrleansRedis:Locks:MaxWaitersPerLock must be between 1 and 1000000")]
    public void LockOptions_BadValue_ErrorNamesTheSetting(string maxLease, string maxWait, int maxWaiters, string expected)
    {
        var options = new LockOptions { MaxLease = TimeSpan.Parse(maxLease), MaxWait = TimeSpan.Parse(maxWait), MaxWaitersPerLock = maxWaiters };

        var errors = LockOptionsValidator.Errors(options, ResponseTimeout, RedisTimeout).ToList();

        Assert.Contains(errors, e => e.StartsWith(expected, StringComparison.Ordinal));
    }

    [Theory]
    [InlineData(-1, "00:00:00.500", "OrleansRedis:Locks:ReplicaAcks must be between 0 and 5 (it was -1)")]
    [InlineData(6, "00:00:00.500", "OrleansRedis:Locks:ReplicaAcks must be between 0 and 5 (it was 6)")]
    [InlineData(1, "00:00:00", "OrleansRedis:Locks:ReplicaAckTimeout must be at least 1 ms and at most 00:00:05 (it was 00:00:00).")]
    [InlineData(1, "00:00:06", "OrleansRedis:Locks:ReplicaAckTimeout must be at least 1 ms and at most 00:00:05 (it was 00:00:06).")]
    public void LockOptions_BadReplicaAcks_ErrorNamesTheSetting(int replicas, string timeout, string expected)
    {
        var options = new LockOptions { ReplicaAcks = replicas, ReplicaAckTimeout = TimeSpan.Parse(timeout) };

        var error = Assert.Single(LockOptionsValidator.Errors(options, ResponseTimeout, RedisTimeout));

        Assert.StartsWith(expected, error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ReplicaAcks_FromConfiguration_ReachTheLockAndSessionStores()
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["OrleansRedis:Redis:State"] = "127.0.0.1:1",
            ["OrleansRedis:Locks:ReplicaAcks"] = "1",
            ["OrleansRedis:Locks:ReplicaAckTimeout"] = "00:00:00.250",
            ["OrleansRedis:Sessions:ReplicaAcks"] = "2",
        }).Build();
        await using var services = new ServiceCollection().AddLogging()
            .AddOrleansRedisLocks(configuration)
            .AddOrleansRedisSessions(configuration)
            .BuildServiceProvider();

        Assert.Equal(new Redis.ReplicaWait(1, TimeSpan.FromMilliseconds(250)), services.GetRequiredService<Redis.Locks.RedisLockStore>().ReplicaWait);
        Assert.Equal(new Redis.ReplicaWait(2, TimeSpan.FromMilliseconds(500)), services.GetRequiredService<Redis.Sessions.SessionStore>().ReplicaWait);
        Assert.Equal(2, services.GetRequiredService<Redis.Sessions.SessionIndex>().ReplicaWait.Replicas);
    }

    [Theory]
    [InlineData("OrleansRedis:Locks:MaxLease", "ten minutes", "OrleansRedis:Locks:MaxLease must be a duration such as 00:00:10 (hh:mm:ss) (it was 'ten minutes').")]
    [InlineData("OrleansRedis:LockClient:RetryDelay", "soon", "OrleansRedis:LockClient:RetryDelay must be a duration such as 00:00:10 (hh:mm:ss) (it was 'soon').")]
    public void Configuration_UnreadableValue_FailsNamingTheSetting(string key, string value, string expected)
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?> { [key] = value }).Build();
        using var services = new ServiceCollection().AddOrleansRedisLocks(configuration).AddOrleansRedisLockClient(configuration).BuildServiceProvider();

        var failures = new[]
        {
            Record.Exception(() => services.GetRequiredService<IOptions<LockOptions>>().Value),
            Record.Exception(() => services.GetRequiredService<IOptions<LockClientOptions>>().Value),
        }.OfType<OptionsValidationException>().SelectMany(e => e.Failures);

        Assert.Equal([expected], failures);
    }

    [Fact]
    public void LockOptions_MaxWaitNearResponseTimeout_RefusedWithTheReason()
    {
        var errors = LockOptionsValidator.Errors(new LockOptions { MaxWait = TimeSpan.FromSeconds(20) }, TimeSpan.FromSeconds(15), RedisTimeout).ToList();

        Assert.Contains(errors, e => e.Contains("OrleansRedis:Locks:MaxWait", StringComparison.Ordinal) && e.Contains("response timeout", StringComparison.Ordinal));
    }

    [Theory]
    [InlineData(nameof(LockClientOptions.Owner), "OrleansRedis:LockClient:Owner must be 1-256 characters")]
    [InlineData(nameof(LockClientOptions.RenewInterval), "OrleansRedis:LockClient:RenewInterval must be at least 1 ms")]
    [InlineData(nameof(LockClientOptions.MaxHoldTime), "OrleansRedis:LockClient:MaxHoldTime must be greater than 0")]
    [InlineData(nameof(LockClientOptions.MaxWaitPerCall), "OrleansRedis:LockClient:MaxWaitPerCall must be greater than 0 and at most 00:00:25")]
    [InlineData(nameof(LockClientOptions.RetryDelay), "OrleansRedis:LockClient:RetryDelay must be greater than 0")]
    public void LockClientOptions_BadValue_ErrorNamesTheSetting(string setting, string expected)
    {
        var options = new LockClientOptions();
        switch (setting)
        {
            case nameof(LockClientOptions.Owner): options.Owner = ""; break;
            case nameof(LockClientOptions.RenewInterval): options.RenewInterval = TimeSpan.Zero; break;
            case nameof(LockClientOptions.MaxHoldTime): options.MaxHoldTime = TimeSpan.Zero; break;
            case nameof(LockClientOptions.MaxWaitPerCall): options.MaxWaitPerCall = TimeSpan.FromSeconds(26); break;
            case nameof(LockClientOptions.RetryDelay): options.RetryDelay = TimeSpan.Zero; break;
        }

        Assert.Contains(LockClientOptionsValidator.Errors(options), e => e.StartsWith(expected, StringComparison.Ordinal));
    }

    [Fact]
    public async Task SiloProcess_MaxWaitAboveResponseTimeout_ExitsWithCode2NamingTheSetting()
    {
        await using var redis = await RedisServer.StartAsync();
        var environment = new Dictionary<string, string>
        {
            ["OrleansRedis__Redis__State"] = redis.ConnectionString,
            ["OrleansRedis__Locks__MaxWait"] = "00:01:00",
            ["OrleansRedis__Cluster__SiloPort"] = FreePort.Next().ToString(),
            ["OrleansRedis__Cluster__GatewayPort"] = FreePort.Next().ToString(),
            ["OrleansRedis__Http__Port"] = FreePort.Next().ToString(),
        };

        var (exitCode, output) = await SiloProcess.RunToExitAsync(RepositoryPaths.SiloDll, environment, [], TimeSpan.FromSeconds(90));

        Assert.Equal(ExitCodes.InvalidConfigurationCode, exitCode);
        Assert.Contains("OrleansRedis:Locks:MaxWait must be between", output);
    }

    [Fact]
    public async Task ConfiguredMaxWait_LongerWaitOverGrainCut_OverHttpRefused()
    {
        await using var redis = await RedisServer.StartAsync();
        var (clusterId, serviceId) = ($"maxwait-{Guid.NewGuid():N}", $"maxwait-{Guid.NewGuid():N}");
        await using var silo = SiloProcess.Start(redis.ConnectionString, clusterId, serviceId, new Dictionary<string, string>
        {
            ["OrleansRedis__Locks__MaxWait"] = "00:00:01",
            ["OrleansRedis__Locks__MaxLease"] = "00:01:00",
        });
        await silo.WaitReadyAsync();
        await using var client = await ExternalClient.StartAsync(redis.ConnectionString, clusterId, serviceId);
        var grain = client.Grains.GetGrain<ILockGrain>($"maxwait-{Guid.NewGuid():N}");
        await grain.AcquireAsync("holder", TimeSpan.FromSeconds(50), TimeSpan.Zero);

        var waited = Stopwatch.StartNew();
        var cut = await grain.AcquireAsync("waiter", TimeSpan.FromSeconds(5), TimeSpan.FromSeconds(25));
        waited.Stop();
        using var tooLongWait = await silo.Http.PostAsJsonAsync("/locks/x", new { owner = "a", leaseMs = 1000, waitMs = 1001 });
        using var tooLongLease = await silo.Http.PostAsJsonAsync("/locks/x", new { owner = "a", leaseMs = 60_001 });
        await Assert.ThrowsAnyAsync<ArgumentException>(() => grain.AcquireAsync("a", TimeSpan.FromSeconds(61), TimeSpan.Zero));

        Assert.False(cut.Acquired);
        Assert.True(waited.Elapsed < TimeSpan.FromSeconds(20), $"the 25 s wait was not cut to Locks:MaxWait (took {waited.Elapsed})");
        Assert.Equal(HttpStatusCode.BadRequest, tooLongWait.StatusCode);
        Assert.Equal(HttpStatusCode.BadRequest, tooLongLease.StatusCode);
    }
}
