using StackExchange.Redis;

namespace OrleansRedis.Redis.Users;

/// <summary>
/// The user entries in the Cache Redis. Each is a hash (<c>v</c> = version, <c>d</c> = payload, absent for a negative
/// entry) with a TTL. Writes are version-compared in one script, so a writer holding an older version (a slow reader
/// that loaded before an update committed) can never replace a newer entry.
/// </summary>
public sealed class UserCacheStore(RedisConnections connections, RedisKeys keys)
{
    // KEYS[1] = the user's cache key.
    // Returns {version, payload or false, pttl} or nil when there is no entry.
    private const string ReadScript = """
        local values = redis.call('HMGET', KEYS[1], 'v', 'd')
        if not values[1] then
          return nil
        end
        return {values[1], values[2], redis.call('PTTL', KEYS[1])}
        """;

    // KEYS[1] = the user's cache key.
    // ARGV[1] = the version to write, ARGV[2] = the payload ('' for a negative entry or a tombstone), ARGV[3] = TTL in ms.
    // Writes only when there is no entry or the cached version is older, so an older version never replaces a newer one.
    // Returns {1, version} when written, {0, cached version} when a newer or equal entry was kept.
    private const string SetIfNewerScript = """
        local current = redis.call('HGET', KEYS[1], 'v')
        if current and tonumber(current) >= tonumber(ARGV[1]) then
          return {0, tonumber(current)}
        end
        redis.call('DEL', KEYS[1])
        if ARGV[2] == '' then
          redis.call('HSET', KEYS[1], 'v', ARGV[1])
        else
          redis.call('HSET', KEYS[1], 'v', ARGV[1], 'd', ARGV[2])
        end
        redis.call('PEXPIRE', KEYS[1], ARGV[3])
        return {1, tonumber(ARGV[1])}
        """;

    /// <summary>Reads the entry of <paramref name="userId"/>; <see langword="null"/> when Redis holds none.</summary>
    public async Task<CachedUserEntry?> ReadAsync(string userId)
    {
        var result = await Database.ScriptEvaluateAsync(ReadScript, [keys.User(userId)]).ConfigureAwait(false);
        if (result.IsNull)
        {
            return null;
        }

        var values = (RedisResult[])result!;
        var payload = values[1].IsNull ? null : (string?)values[1];
        var ttl = (long)values[2];
        return new CachedUserEntry((long)values[0], payload, TimeSpan.FromMilliseconds(Math.Max(ttl, 0)));
    }

    /// <summary>
    /// Writes the entry of <paramref name="userId"/> unless Redis already holds the same or a newer version.
    /// </summary>
    /// <param name="userId">The user id.</param>
    /// <param name="version">The version the entry stands for.</param>
    /// <param name="payload">The serialized user, or <see langword="null"/> for a negative entry or a tombstone.</param>
    /// <param name="timeToLive">How long Redis should keep the entry.</param>
    /// <returns>Whether the entry was written, and the version Redis holds afterwards.</returns>
    public async Task<(bool Written, long CachedVersion)> SetIfNewerAsync(string userId, long version, string? payload, TimeSpan timeToLive)
    {
        var result = await Database.ScriptEvaluateAsync(
            SetIfNewerScript,
            [keys.User(userId)],
            [version, payload ?? string.Empty, Math.Max(1, (long)timeToLive.TotalMilliseconds)]).ConfigureAwait(false);
        var values = (RedisResult[])result!;
        return ((long)values[0] == 1, (long)values[1]);
    }

    private IDatabase Database => connections.Cache.GetDatabase();
}
