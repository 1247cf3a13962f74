using System.Buffers;
using System.Text;
using System.Text.Json;
using Microsoft.Extensions.Caching.Hybrid;
using Microsoft.Extensions.DependencyInjection;
using StackExchange.Redis;

namespace OrleansRedis.Client.Caching;

public sealed partial class OrleansRedisHybridCache
{
    private const char KeyMessage = 'k';
    private const char TagMessage = 't';

    private async Task<ConnectionMultiplexer> ListenAsync()
    {
        var configuration = ConfigurationOptions.Parse(_options.Redis!);
        configuration.AbortOnConnectFail = false;
        var connection = await ConnectionMultiplexer.ConnectAsync(configuration).ConfigureAwait(false);

        // Evictions sent while this node was cut off are lost: forget every local copy when the link comes and goes.
        connection.ConnectionFailed += (_, _) => Lost();
        connection.ConnectionRestored += (_, _) => Lost();
        await connection.GetSubscriber().SubscribeAsync(_channel, (_, message) => Evict((string?)message)).ConfigureAwait(false);
        _listening = true;
        return connection;
    }

    private void Lost()
    {
        Interlocked.Increment(ref _evictions);
        _local.Clear();
    }

    private async Task EvictEverywhereAsync(char kind, string what)
    {
        var message = $"{kind}{what}";
        Evict(message);
        var connection = await _connection.ConfigureAwait(false);
        await connection.GetSubscriber().PublishAsync(_channel, message).ConfigureAwait(false);
    }

    private void Evict(string? message)
    {
        if (string.IsNullOrEmpty(message))
        {
            return;
        }

        Interlocked.Increment(ref _evictions);
        var what = message[1..];
        if (message[0] == KeyMessage)
        {
            _local.TryRemove(what, out _);
            return;
        }

        foreach (var (key, entry) in _local)
        {
            if (entry.Value.Tags.Contains(what, StringComparer.Ordinal))
            {
                _local.TryRemove(key, out _);
            }
        }
    }

    private byte[] Serialize<T>(T value)
    {
        switch (value)
        {
            case byte[] bytes:
                return bytes;
            case string text:
                return Encoding.UTF8.GetBytes(text);
        }

        var buffer = new ArrayBufferWriter<byte>();
        Serializer<T>().Serialize(value, buffer);
        return buffer.WrittenSpan.ToArray();
    }

    private T Deserialize<T>(byte[] bytes)
    {
        if (typeof(T) == typeof(byte[]))
        {
            return (T)(object)bytes.ToArray();
        }

        if (typeof(T) == typeof(string))
        {
            return (T)(object)Encoding.UTF8.GetString(bytes);
        }

        return Serializer<T>().Deserialize(new ReadOnlySequence<byte>(bytes));
    }

    private IHybridCacheSerializer<T> Serializer<T>() => (IHybridCacheSerializer<T>)_serializers.GetOrAdd(typeof(T), _ => FindSerializer<T>());

    private IHybridCacheSerializer<T> FindSerializer<T>()
    {
        if (_services.GetService<IHybridCacheSerializer<T>>() is { } registered)
        {
            return registered;
        }

        foreach (var factory in _services.GetServices<IHybridCacheSerializerFactory>().Reverse())
        {
            if (factory.TryCreateSerializer<T>(out var created))
            {
                return created;
            }
        }

        return new JsonCacheSerializer<T>();
    }

    private sealed class JsonCacheSerializer<T> : IHybridCacheSerializer<T>
    {
        public T Deserialize(ReadOnlySequence<byte> source)
        {
            var reader = new Utf8JsonReader(source);
            return JsonSerializer.Deserialize<T>(ref reader)!;
        }

        public void Serialize(T value, IBufferWriter<byte> target)
        {
            using var writer = new Utf8JsonWriter(target);
            JsonSerializer.Serialize(writer, value);
        }
    }
}
