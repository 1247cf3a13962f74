using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using OrleansRedis.Redis;
using OrleansRedis.Redis.Operations;
using OrleansRedis.Testing;
using StackExchange.Redis;

namespace OrleansRedis.Tests.Operations;

/// <summary>
/// Which connection the operations endpoints use when the host hands in its multiplexer: its admin one, its own when it
/// already allows admin commands (so TLS callbacks and credentials are kept), or else a clone of its settings.
/// </summary>
public sealed class AdminConnectionTests
{
    [Fact]
    public async Task ServerAsync_HostMultiplexerAllowsAdmin_ReusesItAndLeavesItOpen()
    {
        await using var redis = await RedisServer.StartAsync();
        await using var host = await ConnectionMultiplexer.ConnectAsync($"{redis.ConnectionString},allowAdmin=true");

        await using (var admin = new RedisAdminConnections(Connections(new RedisOptions { StateMultiplexer = _ => host })))
        {
            var server = await admin.ServerAsync(RedisRole.State);

            Assert.Same(host, server.Multiplexer);
            Assert.Equal("noeviction", (await server.ConfigGetAsync("maxmemory-policy")).Single().Value);
        }

        Assert.True(host.IsConnected, "the host's multiplexer was disposed by OrleansRedis");
    }

    [Fact]
    public async Task ServerAsync_HostAdminMultiplexerHandedIn_UsesItForItsRole()
    {
        await using var redis = await RedisServer.StartAsync();
        await using var host = await ConnectionMultiplexer.ConnectAsync(redis.ConnectionString);
        await using var hostAdmin = await ConnectionMultiplexer.ConnectAsync($"{redis.ConnectionString},allowAdmin=true");
        await using var admin = new RedisAdminConnections(Connections(new RedisOptions { StateMultiplexer = _ => host, StateAdminMultiplexer = _ => hostAdmin }));

        var server = await admin.ServerAsync(RedisRole.State);

        Assert.Same(hostAdmin, server.Multiplexer);
    }

    [Fact]
    public async Task ServerAsync_HostMultiplexerWithoutAdmin_OpensAnAdminCloneNotTheGrainsConnection()
    {
        await using var redis = await RedisServer.StartAsync();
        await using var host = await ConnectionMultiplexer.ConnectAsync(redis.ConnectionString);
        await using var admin = new RedisAdminConnections(Connections(new RedisOptions { StateMultiplexer = _ => host }));

        var server = await admin.ServerAsync(RedisRole.State);

        Assert.NotSame(host, server.Multiplexer);
        Assert.Equal("noeviction", (await server.ConfigGetAsync("maxmemory-policy")).Single().Value);
        Assert.Throws<RedisCommandException>(() => host.GetServers()[0].ConfigGet("maxmemory-policy"));
    }

    private static RedisConnections Connections(RedisOptions options) =>
        new(Options.Create(options), NullLogger<RedisConnections>.Instance);
}
