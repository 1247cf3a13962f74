using OrleansRedis.Abstractions.Diagnostics;
using StackExchange.Redis;

namespace OrleansRedis.Redis.Caching;

/// <summary>
/// The cluster cache in the Cache Redis: one hash per entry (<see cref="RedisKeys.CacheEntry"/>) with its expiration as
/// TTL, and one set per tag (<see cref="RedisKeys.CacheTag"/>) listing its entries, whose TTL is kept at least that of
/// its longest-lived entry. Entry and tag keys live in different slots, so each step is one single-key command or
/// script.
/// </summary>
public sealed class HybridCacheStore(RedisConnections connections, RedisKeys keys)
{
    private static readonly RedisValue[] EntryFields = ["v", "t"];

    // KEYS[1]: the entry hash. ARGV[1]: bytes; ARGV[2]: tags, one a line; ARGV[3]: expiration (ms).
    // Replaces the entry and its TTL in one step. Replies 1.
    private const string SetScript = """
        redis.call('DEL', KEYS[1])
        redis.call('HSET', KEYS[1], 'v', ARGV[1], 't', ARGV[2])
        redis.call('PEXPIRE', KEYS[1], ARGV[3])
        return 1
        """;

    // KEYS[1]: a tag set. ARGV[1]: the entry ({name}/{key}); ARGV[2]: the entry's expiration (ms).
    // Adds the entry and makes the set live at least as long as it. Replies 1.
    private const string TagScript = """
        redis.call('SADD', KEYS[1], ARGV[1])
        local ttl = redis.call('PTTL', KEYS[1])
        if ttl < tonumber(ARGV[2]) then
          redis.call('PEXPIRE', KEYS[1], ARGV[2])
        end
        return 1
        """;

    // KEYS[1]: a tag set. Takes its members and deletes it in one step, so entries tagged later go to a new set.
    // Replies the members (an array).
    private const string TakeTagScript = """
        local members = redis.call('SMEMBERS', KEYS[1])
        redis.call('DEL', KEYS[1])
        return members
        """;

    private IDatabase Database => connections.Cache.GetDatabase();

    /// <summary>Reads the entry of <paramref name="grainKey"/>; <see langword="null"/> when there is none.</summary>
    public async Task<(byte[] Bytes, string[] Tags)?> GetAsync(string grainKey)
    {
        var fields = await Database.HashGetAsync(keys.CacheEntry(grainKey), EntryFields).ConfigureAwait(false);
        if (fields[0].IsNull)
        {
            return null;
        }

        var tags = fields[1].IsNullOrEmpty ? [] : ((string)fields[1]!).Split('\n');
        return ((byte[])fields[0]!, tags);
    }

    /// <summary>Stores the entry of <paramref name="grainKey"/> for <paramref name="expiration"/> and adds it to its tags.</summary>
    public async Task SetAsync(string grainKey, string name, byte[] bytes, string[] tags, TimeSpan expiration)
    {
        var ms = (long)Math.Ceiling(expiration.TotalMilliseconds);
        var database = Database;
        await database.ScriptEvaluateAsync(OrleansRedisActivitySources.Caching, "cache set", SetScript, [keys.CacheEntry(grainKey)], [bytes, string.Join('\n', tags), ms]).ConfigureAwait(false);
        await Task.WhenAll(tags.Select(tag =>
            database.ScriptEvaluateAsync(OrleansRedisActivitySources.Caching, "cache tag", TagScript, [keys.CacheTag($"{name}/{tag}")], [grainKey, ms]))).ConfigureAwait(false);
    }

    /// <summary>Deletes the entry of <paramref name="grainKey"/>.</summary>
    /// <returns>Whether there was one.</returns>
    public Task<bool> RemoveAsync(string grainKey) => Database.KeyDeleteAsync(keys.CacheEntry(grainKey));

    /// <summary>Takes the entries ({name}/{key}) of the tag <paramref name="grainKey"/> ({name}/{tag}) and deletes the tag.</summary>
    public async Task<string[]> TakeTagAsync(string grainKey)
    {
        var members = await Database.ScriptEvaluateAsync(OrleansRedisActivitySources.Caching, "cache take tag", TakeTagScript, [keys.CacheTag(grainKey)]).ConfigureAwait(false);
        return (string[])members!;
    }
}
