using OrleansRedis.Abstractions.Diagnostics;
using StackExchange.Redis;

namespace OrleansRedis.Redis.Users;

/// <summary>
/// The user entries in the Cache Redis. Each is a hash (<c>v</c> = version, <c>d</c> = payload, absent for a negative
/// entry) with a TTL. Writes are version-compared in one script, so a writer holding an older version (a slow reader
/// that loaded before an update committed) can never replace a newer entry.
/// </summary>
public sealed class UserCacheStore(RedisConnections connections, RedisKeys keys)
{
    // KEYS[1] = the user's cache key. No ARGV.
    // Replies with named fields (ScriptReply): {'found', 0} when there is no entry; otherwise {'found', 1, 'version', v,
    // 'payload', payload or false (a negative entry or tombstone), 'ttl', pttlMs}.
    private const string ReadScript = """
        local values = redis.call('HMGET', KEYS[1], 'v', 'd')
        if not values[1] then
          return {'found', 0}
        end
        return {'found', 1, 'version', values[1], 'payload', values[2], 'ttl', redis.call('PTTL', KEYS[1])}
        """;

    // KEYS[1] = the user's cache key.
    // ARGV[1] = the version to write, ARGV[2] = the payload ('' for a negative entry or a tombstone), ARGV[3] = TTL in ms.
    // Writes only when there is no entry or the cached version is older, so an older version never replaces a newer one.
    // Replies with named fields (ScriptReply): {'written', 1, 'version', version} when written; {'written', 0,
    // 'version', cached version} when a newer or equal entry was kept.
    private const string SetIfNewerScript = """
        local current = redis.call('HGET', KEYS[1], 'v')
        if current and tonumber(current) >= tonumber(ARGV[1]) then
          return {'written', 0, 'version', tonumber(current)}
        end
        redis.call('DEL', KEYS[1])
        if ARGV[2] == '' then
          redis.call('HSET', KEYS[1], 'v', ARGV[1])
        else
          redis.call('HSET', KEYS[1], 'v', ARGV[1], 'd', ARGV[2])
        end
        redis.call('PEXPIRE', KEYS[1], ARGV[3])
        return {'written', 1, 'version', tonumber(ARGV[1])}
        """;

    private static readonly ReplyField Found = new("found");
    private static readonly ReplyField Version = new("version");
    private static readonly ReplyField Payload = new("payload");
    private static readonly ReplyField Ttl = new("ttl");
    private static readonly ReplyField Written = new("written");

    /// <summary>Reads the entry of <paramref name="userId"/>; <see langword="null"/> when Redis holds none.</summary>
    public async Task<CachedUserEntry?> ReadAsync(string userId)
    {
        var reply = ScriptReply.Read(
            await Database.ScriptEvaluateAsync(OrleansRedisActivitySources.Users, "user cache read", ReadScript, [keys.User(userId)]).ConfigureAwait(false), "user cache read");
        if (!reply.Flag(Found))
        {
            return null;
        }

        var ttl = reply.Int64(Ttl);
        return new CachedUserEntry(reply.Int64(Version), reply.OptionalString(Payload), TimeSpan.FromMilliseconds(Math.Max(ttl, 0)));
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
            OrleansRedisActivitySources.Users, "user cache write", SetIfNewerScript,
            [keys.User(userId)],
            [version, payload ?? string.Empty, Math.Max(1, (long)timeToLive.TotalMilliseconds)]).ConfigureAwait(false);
        var reply = ScriptReply.Read(result, "user cache write");
        return (reply.Flag(Written), reply.Int64(Version));
    }

    private IDatabase Database => connections.Cache.GetDatabase();
}
