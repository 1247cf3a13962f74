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
    // KEYS[1]: the session hash.
    // ARGV[1]: user id; ARGV[2]: data; ARGV[3]: idle timeout (ms); ARGV[4]: absolute timeout (ms) counted from now, used
    // when ARGV[5] is empty; ARGV[5]: creation time to keep (ms; a rotation) or ''; ARGV[6]: deadline to keep (ms) or ''.
    // Writes the session and its TTL in one step, unless the key exists.
    // Returns {1, now, created, deadline, ttl}; {0} when the key exists; {-1} when the kept deadline has passed.
    private const string CreateScript = """
        local t = redis.call('TIME')
        local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
        if redis.call('EXISTS', KEYS[1]) == 1 then
          return {0}
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
          return {-1}
        end
        redis.call('HSET', KEYS[1], 'u', ARGV[1], 'd', ARGV[2], 'c', string.format('%d', created),
          'a', string.format('%d', deadline), 'i', string.format('%d', idle), 'v', '1')
        redis.call('PEXPIRE', KEYS[1], ttl)
        return {1, now, created, deadline, ttl}
        """;

    /// <summary>
    /// The sliding read, public so the benchmark can measure the bare script next to the grain.
    /// KEYS[1]: the session hash. ARGV[1]: the version the caller already holds, or ''.
    /// Reads the session, checks its absolute deadline and slides its idle timeout, in one step.
    /// Returns {1, now, ttl, user, data, created, deadline, idle, version}, with data '' when the version is the one
    /// the caller holds (it has the data already); {0} when missing; {-1} when past its deadline (the key is deleted).
    /// </summary>
    public const string SlideScript = """
        local s = redis.call('HMGET', KEYS[1], 'a', 'i', 'u', 'c', 'v')
        if not s[1] then
          return {0}
        end
        local data = ''
        if s[5] ~= ARGV[1] then
          data = redis.call('HGET', KEYS[1], 'd')
        end
        local t = redis.call('TIME')
        local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
        local deadline = tonumber(s[1])
        if now >= deadline then
          redis.call('DEL', KEYS[1])
          return {-1}
        end
        local ttl = math.min(tonumber(s[2]), deadline - now)
        redis.call('PEXPIRE', KEYS[1], ttl)
        return {1, now, ttl, s[3], data, s[4], s[1], s[2], s[5]}
        """;

    // KEYS[1]: the session hash. ARGV[1]: the expected version, or '' for any; ARGV[2]: the new data.
    // Writes the data, bumps the version and slides the idle timeout, in one step.
    // Returns {1, now, ttl, user, created, deadline, idle, version}; {0} when missing; {-1} when past its deadline
    // (deleted); {2} when the version differs (nothing written).
    private const string WriteScript = """
        local s = redis.call('HMGET', KEYS[1], 'a', 'i', 'u', 'c', 'v')
        if not s[1] then
          return {0}
        end
        local t = redis.call('TIME')
        local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
        local deadline = tonumber(s[1])
        if now >= deadline then
          redis.call('DEL', KEYS[1])
          return {-1}
        end
        if ARGV[1] ~= '' and ARGV[1] ~= s[5] then
          return {2}
        end
        local version = tonumber(s[5]) + 1
        redis.call('HSET', KEYS[1], 'd', ARGV[2], 'v', string.format('%d', version))
        local ttl = math.min(tonumber(s[2]), deadline - now)
        redis.call('PEXPIRE', KEYS[1], ttl)
        return {1, now, ttl, s[3], s[4], s[1], s[2], version}
        """;

    // KEYS[1]: the session hash. No ARGV.
    // Reads and deletes the session in one step (the first half of a rotation: the old id dies at once).
    // Returns {1, now, user, data, created, deadline, idle}; {0} when missing; {-1} when past its deadline (deleted).
    private const string TakeScript = """
        local s = redis.call('HMGET', KEYS[1], 'a', 'i', 'u', 'd', 'c')
        if not s[1] then
          return {0}
        end
        local t = redis.call('TIME')
        local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
        redis.call('DEL', KEYS[1])
        if now >= tonumber(s[1]) then
          return {-1}
        end
        return {1, now, s[3], s[4], s[5], s[1], s[2]}
        """;

    // KEYS[1]: the session hash. No ARGV.
    // Deletes the session. Returns its user id, or nil when there was none.
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
        var result = (RedisResult[])(await Database.ScriptEvaluateAsync(
            CreateScript,
            [keys.Session(idHash)],
            [userId, data, idleMs, absoluteMs, Optional(lineage?.CreatedMs), Optional(lineage?.DeadlineMs)]).ConfigureAwait(false))!;
        return (long)result[0] switch
        {
            1 => new SessionResult(SessionStatus.Found, new SessionRecord(
                userId, data, (long)result[2], (long)result[3], idleMs, 1, (long)result[1], (long)result[4])),
            0 => SessionResult.Of(SessionStatus.Exists),
            _ => SessionResult.Of(SessionStatus.Expired),
        };
    }

    /// <summary>
    /// Reads the session and slides its idle timeout (never beyond the absolute deadline), in one step. When the caller
    /// passes the session it already holds, the data is not sent again unless it changed.
    /// </summary>
    public async Task<SessionResult> SlideAsync(string idHash, SessionRecord? held = null)
    {
        var result = (RedisResult[])(await Database.ScriptEvaluateAsync(
            SlideScript, [keys.Session(idHash)], [Optional(held?.Version)]).ConfigureAwait(false))!;
        if ((long)result[0] != 1)
        {
            return SessionResult.Of((long)result[0] == 0 ? SessionStatus.Missing : SessionStatus.Expired);
        }

        var data = (string)result[4]!;
        return new SessionResult(SessionStatus.Found, new SessionRecord(
            (string)result[3]!, data.Length == 0 ? held!.Data : data, Long(result[5]), Long(result[6]), Long(result[7]), Long(result[8]),
            (long)result[1], (long)result[2]));
    }

    /// <summary>
    /// Writes the session data when its version is still <paramref name="expectedVersion"/> (any version when
    /// <see langword="null"/>), bumps the version and slides the idle timeout, in one step.
    /// </summary>
    public async Task<SessionResult> WriteDataAsync(string idHash, long? expectedVersion, string data)
    {
        var result = (RedisResult[])(await Database.ScriptEvaluateAsync(
            WriteScript, [keys.Session(idHash)], [Optional(expectedVersion), data]).ConfigureAwait(false))!;
        return (long)result[0] switch
        {
            1 => new SessionResult(SessionStatus.Found, new SessionRecord(
                (string)result[3]!, data, Long(result[4]), Long(result[5]), Long(result[6]), (long)result[7],
                (long)result[1], (long)result[2])),
            0 => SessionResult.Of(SessionStatus.Missing),
            2 => SessionResult.Of(SessionStatus.Conflict),
            _ => SessionResult.Of(SessionStatus.Expired),
        };
    }

    /// <summary>Reads and deletes the session in one step. The record's TTL is 0: the key is gone.</summary>
    public async Task<SessionResult> TakeAsync(string idHash)
    {
        var result = (RedisResult[])(await Database.ScriptEvaluateAsync(TakeScript, [keys.Session(idHash)]).ConfigureAwait(false))!;
        return (long)result[0] switch
        {
            1 => new SessionResult(SessionStatus.Found, new SessionRecord(
                (string)result[2]!, (string)result[3]!, Long(result[4]), Long(result[5]), Long(result[6]), 0, (long)result[1], 0)),
            0 => SessionResult.Of(SessionStatus.Missing),
            _ => SessionResult.Of(SessionStatus.Expired),
        };
    }

    /// <summary>Deletes the session.</summary>
    /// <returns>The user id of the deleted session; <see langword="null"/> when there was none.</returns>
    public async Task<string?> DeleteAsync(string idHash)
    {
        var result = await Database.ScriptEvaluateAsync(DeleteScript, [keys.Session(idHash)]).ConfigureAwait(false);
        return result.IsNull ? null : (string?)result;
    }

    /// <summary>Deletes many sessions, one single-key command each (pipelined), and counts those that existed.</summary>
    public async Task<int> DeleteManyAsync(IReadOnlyCollection<string> idHashes)
    {
        var database = Database;
        var deleted = await Task.WhenAll(idHashes.Select(h => database.KeyDeleteAsync(keys.Session(h)))).ConfigureAwait(false);
        return deleted.Count(d => d);
    }

    private static RedisValue Optional(long? value) =>
        value is { } v ? v.ToString(CultureInfo.InvariantCulture) : RedisValue.EmptyString;

    private static long Long(RedisResult value) => long.Parse((string)value!, CultureInfo.InvariantCulture);
}
