using OrleansRedis.Abstractions.Diagnostics;
using System.Globalization;
using StackExchange.Redis;

namespace OrleansRedis.Redis.Sessions;

/// <summary>
/// The session hashes in Redis: <c>{prefix}:session:{{idHash}}</c> with fields <c>u</c> (user id), <c>d</c> (data),
/// <c>c</c> (created), <c>a</c> (absolute deadline), <c>i</c> (idle timeout), <c>v</c> (version); times in Unix ms of
/// Redis's clock. Each operation is one script touching one key, so it is atomic, Redis-Cluster-ready, and never leaves
/// the key without its TTL. The TTL is always min(idle timeout, time left until the deadline).
/// </summary>
public sealed class SessionStore(RedisConnections connections, RedisKeys keys)
{
    /// <summary>Gets the replicas that must confirm each write and delete (<c>OrleansRedis:Sessions:ReplicaAcks</c>).</summary>
    public ReplicaWait ReplicaWait { get; init; }

    // Every script answers in the session reply shape (SessionReply, a ScriptReply of named fields): {'status', s}
    // with s one of 'found', 'missing', 'expired' (past its deadline; the key is deleted), 'conflict', 'exists'; a
    // found session adds 'user', 'created', 'deadline', 'idle', 'version', 'now', 'ttl' (ms), and 'data' unless the
    // caller already has it.

    // KEYS[1]: the session hash.
    // ARGV[1]: user id; ARGV[2]: data; ARGV[3]: idle timeout (ms); ARGV[4]: absolute timeout (ms) counted from now, used
    // when ARGV[5] is empty; ARGV[5]: creation time to keep (ms; a rotation) or ''; ARGV[6]: deadline to keep (ms) or ''.
    // Writes the session and its TTL in one step, unless the key exists.
    // Replies found (without data: the caller has it), exists (nothing written), or expired (the kept deadline passed).
    private const string CreateScript = """
        local t = redis.call('TIME')
        local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
        if redis.call('EXISTS', KEYS[1]) == 1 then
          return {'status', 'exists'}
        end
        local idle = tonumber(ARGV[3])
        local created = now
        local deadline = now + tonumber(ARGV[4])
        if ARGV[5] ~= '' then
          created = tonumber(ARGV[5])
          deadline = tonumber(ARGV[6])
        end
        local ttl = math.min(idle, deadline - now)
        if ttl <= 0 then
          return {'status', 'expired'}
        end
        redis.call('HSET', KEYS[1], 'u', ARGV[1], 'd', ARGV[2], 'c', string.format('%d', created),
          'a', string.format('%d', deadline), 'i', string.format('%d', idle), 'v', '1')
        redis.call('PEXPIRE', KEYS[1], ttl)
        return {'status', 'found', 'user', ARGV[1], 'created', created, 'deadline', deadline, 'idle', idle,
          'version', 1, 'now', now, 'ttl', ttl}
        """;

    /// <summary>
    /// The sliding read, public so the benchmark can measure the bare script next to the grain.
    /// KEYS[1]: the session hash. ARGV[1]: the version the caller already holds, or ''.
    /// Reads the session, checks its absolute deadline and slides its idle timeout, in one step.
    /// Replies in the session reply shape: found (with 'data' only when the version differs from the one the caller
    /// holds), missing, or expired (past its deadline; the key is deleted).
    /// </summary>
    public const string SlideScript = """
        local s = redis.call('HMGET', KEYS[1], 'a', 'i', 'u', 'c', 'v')
        if not s[1] then
          return {'status', 'missing'}
        end
        local t = redis.call('TIME')
        local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
        local deadline = tonumber(s[1])
        if now >= deadline then
          redis.call('DEL', KEYS[1])
          return {'status', 'expired'}
        end
        local ttl = math.min(tonumber(s[2]), deadline - now)
        redis.call('PEXPIRE', KEYS[1], ttl)
        local reply = {'status', 'found', 'user', s[3], 'created', s[4], 'deadline', s[1], 'idle', s[2],
          'version', s[5], 'now', now, 'ttl', ttl}
        if s[5] ~= ARGV[1] then
          reply[#reply + 1] = 'data'
          reply[#reply + 1] = redis.call('HGET', KEYS[1], 'd')
        end
        return reply
        """;

    // KEYS[1]: the session hash. ARGV[1]: the expected version, or '' for any; ARGV[2]: the new data.
    // Writes the data, bumps the version and slides the idle timeout, in one step.
    // Replies found (without data: the caller wrote it), missing, expired (deleted), or conflict when the version
    // differs (nothing written).
    private const string WriteScript = """
        local s = redis.call('HMGET', KEYS[1], 'a', 'i', 'u', 'c', 'v')
        if not s[1] then
          return {'status', 'missing'}
        end
        local t = redis.call('TIME')
        local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
        local deadline = tonumber(s[1])
        if now >= deadline then
          redis.call('DEL', KEYS[1])
          return {'status', 'expired'}
        end
        if ARGV[1] ~= '' and ARGV[1] ~= s[5] then
          return {'status', 'conflict'}
        end
        local version = tonumber(s[5]) + 1
        redis.call('HSET', KEYS[1], 'd', ARGV[2], 'v', string.format('%d', version))
        local ttl = math.min(tonumber(s[2]), deadline - now)
        redis.call('PEXPIRE', KEYS[1], ttl)
        return {'status', 'found', 'user', s[3], 'created', s[4], 'deadline', s[1], 'idle', s[2],
          'version', version, 'now', now, 'ttl', ttl}
        """;

    // KEYS[1]: the session hash. No ARGV.
    // Reads and deletes the session in one step (the first half of a rotation: the old id dies at once).
    // Replies found (with data, and ttl 0: the key is gone), missing, or expired (past its deadline; deleted).
    private const string TakeScript = """
        local s = redis.call('HMGET', KEYS[1], 'a', 'i', 'u', 'd', 'c', 'v')
        if not s[1] then
          return {'status', 'missing'}
        end
        local t = redis.call('TIME')
        local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
        redis.call('DEL', KEYS[1])
        if now >= tonumber(s[1]) then
          return {'status', 'expired'}
        end
        return {'status', 'found', 'user', s[3], 'data', s[4], 'created', s[5], 'deadline', s[1], 'idle', s[2],
          'version', s[6], 'now', now, 'ttl', 0}
        """;

    // KEYS[1]: the session hash. No ARGV.
    // Deletes the session. Replies with one value, its user id, or nil when there was none.
    private const string DeleteScript = """
        local u = redis.call('HGET', KEYS[1], 'u')
        if u then
          redis.call('DEL', KEYS[1])
        end
        return u
        """;

    private IDatabase Database => connections.State.GetDatabase();

    /// <summary>
    /// Creates a session with its TTL in one step. A fresh session starts now and ends <paramref name="absoluteMs"/>
    /// from now; a rotated one keeps <paramref name="lineage"/> (its first creation time and its deadline).
    /// </summary>
    /// <returns><see cref="SessionStatus.Found"/> with the new session, <see cref="SessionStatus.Exists"/>, or
    /// <see cref="SessionStatus.Expired"/> when a kept deadline has passed.</returns>
    public async Task<SessionResult> CreateAsync(
        string idHash, string userId, string data, long idleMs, long absoluteMs, (long CreatedMs, long DeadlineMs)? lineage = null)
    {
        var result = await Database.ScriptEvaluateAsync(
            OrleansRedisActivitySources.Sessions, "session create", CreateScript,
            [keys.Session(idHash)],
            [userId, data, idleMs, absoluteMs, Optional(lineage?.CreatedMs), Optional(lineage?.DeadlineMs)]).ConfigureAwait(false);
        return await ConfirmedAsync(idHash, SessionReply.Read(ScriptReply.Read(result, "session create"), data), "session create").ConfigureAwait(false);
    }

    /// <summary>
    /// Reads the session and slides its idle timeout (never beyond the absolute deadline), in one step. When the caller
    /// passes the session it already holds, the data is not sent again unless it changed.
    /// </summary>
    public async Task<SessionResult> SlideAsync(string idHash, SessionRecord? held = null)
    {
        var result = await Database.ScriptEvaluateAsync(
            OrleansRedisActivitySources.Sessions, "session slide", SlideScript, [keys.Session(idHash)], [Optional(held?.Version)]).ConfigureAwait(false);
        return SessionReply.Read(ScriptReply.Read(result, "session slide"), held?.Data);
    }

    /// <summary>
    /// Writes the session data when its version is still <paramref name="expectedVersion"/> (any version when
    /// <see langword="null"/>), bumps the version and slides the idle timeout, in one step.
    /// </summary>
    public async Task<SessionResult> WriteDataAsync(string idHash, long? expectedVersion, string data)
    {
        var result = await Database.ScriptEvaluateAsync(
            OrleansRedisActivitySources.Sessions, "session write", WriteScript, [keys.Session(idHash)], [Optional(expectedVersion), data]).ConfigureAwait(false);
        return await ConfirmedAsync(idHash, SessionReply.Read(ScriptReply.Read(result, "session write"), data), "session write").ConfigureAwait(false);
    }

    /// <summary>Reads and deletes the session in one step. The record's TTL is 0: the key is gone.</summary>
    public async Task<SessionResult> TakeAsync(string idHash)
    {
        var result = await Database.ScriptEvaluateAsync(OrleansRedisActivitySources.Sessions, "session take", TakeScript, [keys.Session(idHash)]).ConfigureAwait(false);
        return await ConfirmedAsync(idHash, SessionReply.Read(ScriptReply.Read(result, "session take"), knownData: null), "session end").ConfigureAwait(false);
    }

    /// <summary>Deletes the session.</summary>
    /// <returns>The user id of the deleted session; <see langword="null"/> when there was none.</returns>
    public async Task<string?> DeleteAsync(string idHash)
    {
        var result = await Database.ScriptEvaluateAsync(OrleansRedisActivitySources.Sessions, "session delete", DeleteScript, [keys.Session(idHash)]).ConfigureAwait(false);
        if (result.IsNull)
        {
            return null;
        }

        await ReplicaWait.WaitAsync(connections.State, keys.Session(idHash), "session delete").ConfigureAwait(false);
        return (string?)result;
    }

    /// <summary>Deletes many sessions, one single-key command each (pipelined), and counts those that existed.</summary>
    public async Task<int> DeleteManyAsync(IReadOnlyCollection<string> idHashes)
    {
        var database = Database;
        var deleted = await Task.WhenAll(idHashes.Select(h => database.KeyDeleteAsync(keys.Session(h)))).ConfigureAwait(false);
        await ReplicaWait.WaitAsync(connections.State, idHashes.Select(keys.Session), "session delete").ConfigureAwait(false);
        return deleted.Count(d => d);
    }

    private async Task<SessionResult> ConfirmedAsync(string idHash, SessionResult result, string what)
    {
        if (result.Status == SessionStatus.Found)
        {
            await ReplicaWait.WaitAsync(connections.State, keys.Session(idHash), what).ConfigureAwait(false);
        }

        return result;
    }

    private static RedisValue Optional(long? value) =>
        value is { } v ? v.ToString(CultureInfo.InvariantCulture) : RedisValue.EmptyString;
}
