using System.Collections.Concurrent;
using Microsoft.Extensions.Caching.Hybrid;
using Microsoft.Extensions.Options;
using OrleansRedis.Abstractions.Caching;
using OrleansRedis.Abstractions.Diagnostics;
using StackExchange.Redis;

namespace OrleansRedis.Client.Caching;

/// <summary>
/// A <see cref="HybridCache"/> whose <see cref="GetOrCreateAsync{TState, T}"/> runs the factory once per key across the
/// whole cluster, not once per process: a miss asks the key's <see cref="ICacheEntryGrain"/>, which elects one caller
/// to run its factory and hands the result to every other caller of every node. Values are serialized bytes in the
/// Cache Redis with their expiration as TTL; tags are Redis sets (<see cref="RemoveByTagAsync"/>). Each node keeps a
/// local copy (L1) that a change on any node evicts everywhere at once, through a Redis channel per cache.
/// <para>
/// Entry options: <c>Expiration</c> and <c>LocalCacheExpiration</c> are honoured, and the flags
/// <c>DisableLocalCacheRead</c> and <c>DisableLocalCacheWrite</c>; the other flags are ignored (the cluster copy is
/// what coordinates the factories, so it cannot be skipped).
/// </para>
/// </summary>
public sealed partial class OrleansRedisHybridCache : HybridCache, IAsyncDisposable
{
    // One grain call waits at most this long for another caller's factory, far below the call timeout; longer waits loop.
    private static readonly TimeSpan MaxWaitPerCall = TimeSpan.FromSeconds(10);

    private readonly IGrainFactory _grains;
    private readonly IServiceProvider _services;
    private readonly OrleansRedisHybridCacheOptions _options;
    private readonly TimeProvider _time;
    private readonly RedisChannel _channel;
    private readonly ConcurrentDictionary<string, LocalEntry> _local = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, Task<CacheValue>> _flights = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<Type, object> _serializers = new();
    private readonly Task<ConnectionMultiplexer> _connection;
    private long _evictions;
    private volatile bool _listening;

    /// <summary>Creates the cache; it connects to the eviction channel's Redis in the background.</summary>
    public OrleansRedisHybridCache(IGrainFactory grains, IServiceProvider services, IOptions<OrleansRedisHybridCacheOptions> options, TimeProvider time)
    {
        _grains = grains;
        _services = services;
        _options = options.Value;
        _time = time;
        _channel = RedisChannel.Literal($"orleansredis:hybridcache:{_options.Name}:evict");
        _connection = ListenAsync();
    }

    /// <summary>Gets whether this node receives evictions; until it does, it keeps no local copies.</summary>
    public bool IsListening => _listening;

    /// <inheritdoc />
    public override async ValueTask<T> GetOrCreateAsync<TState, T>(
        string key,
        TState state,
        Func<TState, CancellationToken, ValueTask<T>> factory,
        HybridCacheEntryOptions? options = null,
        IEnumerable<string>? tags = null,
        CancellationToken cancellationToken = default)
    {
        CheckKey(key);
        ArgumentNullException.ThrowIfNull(factory);
        var flags = options?.Flags ?? HybridCacheEntryFlags.None;
        if ((flags & HybridCacheEntryFlags.DisableLocalCacheRead) == 0 && _local.TryGetValue(key, out var local) && local.ExpiresAt > _time.GetTimestamp())
        {
            return Deserialize<T>(local.Value.Bytes);
        }

        var evictionsBefore = Interlocked.Read(ref _evictions);
        var tagList = CheckTags(tags);

        // Callers of one node share one trip to the grain; the grain then shares one factory across the nodes.
        var flight = new TaskCompletionSource<CacheValue>(TaskCreationOptions.RunContinuationsAsynchronously);
        var shared = _flights.GetOrAdd(key, flight.Task);
        if (shared == flight.Task)
        {
            _ = FlyAsync(key, flight, state, factory, options, tagList);
        }

        var value = await shared.WaitAsync(cancellationToken).ConfigureAwait(false);
        if ((flags & HybridCacheEntryFlags.DisableLocalCacheWrite) == 0)
        {
            KeepLocal(key, value, options, evictionsBefore);
        }

        return Deserialize<T>(value.Bytes);
    }

    /// <inheritdoc />
    public override async ValueTask SetAsync<T>(
        string key, T value, HybridCacheEntryOptions? options = null, IEnumerable<string>? tags = null, CancellationToken cancellationToken = default)
    {
        CheckKey(key);
        var entry = new CacheValue(Serialize(value), CheckTags(tags));
        if (entry.Bytes.Length > _options.MaximumPayloadBytes)
        {
            throw new ArgumentException($"The value is {entry.Bytes.Length} bytes serialized; the limit is {_options.MaximumPayloadBytes} (OrleansRedis:HybridCache:MaximumPayloadBytes).", nameof(value));
        }

        await Entry(key).SetAsync(entry, Expiration(options)).WaitAsync(cancellationToken).ConfigureAwait(false);
        await EvictEverywhereAsync(KeyMessage, key).ConfigureAwait(false);
    }

    /// <inheritdoc />
    public override async ValueTask RemoveAsync(string key, CancellationToken cancellationToken = default)
    {
        CheckKey(key);
        await Entry(key).RemoveAsync().WaitAsync(cancellationToken).ConfigureAwait(false);
        await EvictEverywhereAsync(KeyMessage, key).ConfigureAwait(false);
    }

    /// <inheritdoc />
    public override async ValueTask RemoveByTagAsync(string tag, CancellationToken cancellationToken = default)
    {
        CheckKey(tag, nameof(tag));
        await _grains.GetGrain<ICacheTagGrain>(CacheNames.GrainKey(_options.Name, tag)).RemoveAsync().WaitAsync(cancellationToken).ConfigureAwait(false);
        await EvictEverywhereAsync(TagMessage, tag).ConfigureAwait(false);
    }

    /// <inheritdoc />
    public async ValueTask DisposeAsync()
    {
        try
        {
            var connection = await _connection.ConfigureAwait(false);
            await connection.DisposeAsync().ConfigureAwait(false);
        }
        catch (RedisException)
        {
            // Never connected: nothing to close.
        }
    }

    private static void CheckKey(string key, string name = "key")
    {
        if (!CacheNames.IsValidKey(key))
        {
            throw new ArgumentException($"A cache {name} of 1-{CacheNames.MaxKeyLength} characters without control characters is required.", name);
        }
    }

    private static string[] CheckTags(IEnumerable<string>? tags)
    {
        var list = tags?.Distinct(StringComparer.Ordinal).ToArray() ?? [];
        foreach (var tag in list)
        {
            CheckKey(tag, "tags");
        }

        return list;
    }

    private ICacheEntryGrain Entry(string key) => _grains.GetGrain<ICacheEntryGrain>(CacheNames.GrainKey(_options.Name, key));

    private TimeSpan Expiration(HybridCacheEntryOptions? options) => options?.Expiration is { } e && e > TimeSpan.Zero ? e : _options.DefaultExpiration;

    private async Task FlyAsync<TState, T>(
        string key, TaskCompletionSource<CacheValue> flight, TState state, Func<TState, CancellationToken, ValueTask<T>> factory,
        HybridCacheEntryOptions? options, string[] tags)
    {
        try
        {
            flight.SetResult(await FetchAsync(key, state, factory, options, tags).ConfigureAwait(false));
        }
        catch (Exception ex)
        {
            flight.SetException(ex);
        }
        finally
        {
            _flights.TryRemove(new KeyValuePair<string, Task<CacheValue>>(key, flight.Task));
        }
    }

    // The factory's run, the work this node does for the whole cluster, is a span of its own (cache.factory).
    private static async Task<T> RunFactoryAsync<TState, T>(TState state, Func<TState, CancellationToken, ValueTask<T>> factory)
    {
        using var activity = OrleansRedisActivitySources.Caching.StartActivity("cache.factory");
        try
        {
            return await factory(state, CancellationToken.None).ConfigureAwait(false);
        }
        catch (Exception ex)
        {
            OrleansRedisActivitySources.Fail(activity, ex);
            throw;
        }
    }

    private async Task<CacheValue> FetchAsync<TState, T>(
        string key, TState state, Func<TState, CancellationToken, ValueTask<T>> factory, HybridCacheEntryOptions? options, string[] tags)
    {
        var grain = Entry(key);
        while (true)
        {
            var lookup = await grain.GetOrLeaseAsync(_options.FactoryTimeout, MaxWaitPerCall).ConfigureAwait(false);
            if (lookup.Value is { } cached)
            {
                return cached;
            }

            if (lookup.Lease is not { } lease)
            {
                continue;
            }

            CacheValue made;
            try
            {
                // The value is shared by every caller of the cluster: no one caller's cancellation may end it.
                made = new CacheValue(Serialize(await RunFactoryAsync(state, factory).ConfigureAwait(false)), tags);
            }
            catch
            {
                await grain.AbandonAsync(lease).ConfigureAwait(false);
                throw;
            }

            if (made.Bytes.Length > _options.MaximumPayloadBytes)
            {
                // Too large to cache: this caller gets it, the waiters elect another caller.
                await grain.AbandonAsync(lease).ConfigureAwait(false);
                return made;
            }

            await grain.CompleteAsync(lease, made, Expiration(options)).ConfigureAwait(false);
            return made;
        }
    }

    private void KeepLocal(string key, CacheValue value, HybridCacheEntryOptions? options, long evictionsBefore)
    {
        var span = options?.LocalCacheExpiration ?? _options.DefaultLocalCacheExpiration;
        var expiration = Expiration(options);
        span = span < expiration ? span : expiration;

        // An eviction that arrived while this value was fetched may be about it: keep nothing rather than a stale copy.
        if (!_listening || span <= TimeSpan.Zero || Interlocked.Read(ref _evictions) != evictionsBefore)
        {
            return;
        }

        if (_local.Count >= _options.MaxLocalEntries)
        {
            Trim();
        }

        _local[key] = new LocalEntry(value, _time.GetTimestamp() + (long)(span.TotalSeconds * _time.TimestampFrequency));
    }

    private void Trim()
    {
        var now = _time.GetTimestamp();
        foreach (var (key, entry) in _local)
        {
            if (entry.ExpiresAt <= now)
            {
                _local.TryRemove(key, out _);
            }
        }

        foreach (var key in _local.Keys.Take(Math.Max(0, _local.Count - (_options.MaxLocalEntries / 2))))
        {
            _local.TryRemove(key, out _);
        }
    }

    private sealed record LocalEntry(CacheValue Value, long ExpiresAt);
}
