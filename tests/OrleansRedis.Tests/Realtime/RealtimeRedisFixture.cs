using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using OrleansRedis.Grains.Realtime;
using OrleansRedis.Redis.Realtime;
using OrleansRedis.Testing;
using StackExchange.Redis;

namespace OrleansRedis.Tests.Realtime;

/// <summary>
/// A private Redis and the silo-side real-time services without Orleans (topic store, relay hub), with a small buffer
/// and fast relay checks, for the delivery rules that do not need a grain: replay, gaps, resets, slow clients.
/// </summary>
public sealed class RealtimeRedisFixture : IAsyncLifetime
{
    /// <summary>The subscriber buffer of these tests.</summary>
    public const int BufferSize = 8;

    private ServiceProvider? _services;

    /// <summary>Gets the Redis server.</summary>
    public RedisServer Redis { get; private set; } = null!;

    /// <summary>Gets a connection for arranging keys.</summary>
    public ConnectionMultiplexer RedisConnection { get; private set; } = null!;

    /// <summary>Gets the topic store.</summary>
    public TopicStore Store => _services!.GetRequiredService<TopicStore>();

    /// <summary>Gets the relay hub.</summary>
    public TopicRelayHub Hub => _services!.GetRequiredService<TopicRelayHub>();

    /// <inheritdoc />
    public async ValueTask InitializeAsync()
    {
        Redis = await RedisServer.StartAsync();
        RedisConnection = await Redis.ConnectAsync();
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["OrleansRedis:Redis:State"] = Redis.ConnectionString,
            ["OrleansRedis:Realtime:SubscriberBufferSize"] = BufferSize.ToString(),
            ["OrleansRedis:Realtime:RelayCheckInterval"] = "00:00:00.200",
        }).Build();
        _services = new ServiceCollection().AddLogging().AddOrleansRedisRealtime(configuration).BuildServiceProvider();
    }

    /// <summary>Publishes <paramref name="count"/> events numbered from <paramref name="first"/> and returns their ids.</summary>
    public async Task<List<string>> PublishAsync(string topic, int count, int first = 0, long maxLength = 10_000)
    {
        var ids = new List<string>(count);
        for (var i = first; i < first + count; i++)
        {
            var (id, _) = await Store.PublishAsync(topic, "n", $$"""{"n":{{i}}}""", maxLength, 0);
            ids.Add(id.ToString());
        }

        return ids;
    }

    /// <inheritdoc />
    public async ValueTask DisposeAsync()
    {
        if (_services is not null)
        {
            await _services.DisposeAsync();
        }

        RedisConnection?.Dispose();
        if (Redis is not null)
        {
            await Redis.DisposeAsync();
        }
    }
}
