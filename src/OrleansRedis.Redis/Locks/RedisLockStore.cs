using StackExchange.Redis;

namespace OrleansRedis.Redis.Locks;

/// <summary>
/// The Redis side of distributed locks: every decision is one atomic Lua script timed by <c>redis.call('TIME')</c>,
/// so it holds across silos, duplicate activations and clock skew. The lease is a string
/// <c>{token}:{fencingToken}:{owner}</c> set with <c>NX PX</c>; the fencing counter is a separate key that never
/// expires. Tokens never contain <c>:</c>, so comparing the prefix <c>{token}:</c> compares the token exactly.
/// </summary>
public sealed class RedisLockStore(RedisConnections connections, RedisKeys keys)
{
    // KEYS[1] lease key, KEYS[2] fencing counter key.
    // ARGV[1] token, ARGV[2] owner, ARGV[3] lease in ms.
    // Returns {1, fencingToken, nowMs} when acquired; {0, remainingMs, nowMs, holderValue} when held by someone else.
    private const string AcquireScript = """
        local t = redis.call('TIME')
        local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
        local holder = redis.call('GET', KEYS[1])
        if holder then
          return {0, redis.call('PTTL', KEYS[1]), now, holder}
        end
        local fence = redis.call('INCR', KEYS[2])
        redis.call('SET', KEYS[1], ARGV[1] .. ':' .. fence .. ':' .. ARGV[2], 'NX', 'PX', ARGV[3])
        return {1, fence, now}
        """;

    // KEYS[1] lease key, KEYS[2] fencing counter key.
    // ARGV[1] token to release; optionally ARGV[2] next token, ARGV[3] next owner, ARGV[4] next lease in ms, to hand
    // the lock to the next waiter in the same round trip.
    // Returns {released (1/0), granted (1/0), fencingToken or remainingMs, nowMs, holderValue or false}.
    private const string ReleaseScript = """
        local t = redis.call('TIME')
        local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
        local released = 0
        local holder = redis.call('GET', KEYS[1])
        if holder and string.sub(holder, 1, string.len(ARGV[1]) + 1) == ARGV[1] .. ':' then
          redis.call('DEL', KEYS[1])
          holder = false
          released = 1
        end
        if #ARGV < 4 then
          return {released, 0, 0, now, holder}
        end
        if holder then
          return {released, 0, redis.call('PTTL', KEYS[1]), now, holder}
        end
        local fence = redis.call('INCR', KEYS[2])
        redis.call('SET', KEYS[1], ARGV[2] .. ':' .. fence .. ':' .. ARGV[3], 'NX', 'PX', ARGV[4])
        return {released, 1, fence, now, false}
        """;

    // KEYS[1] lease key. ARGV[1] token, ARGV[2] new lease in ms.
    // Returns {1, fencingToken, nowMs} when the token holds the lock (its TTL is set to the new lease); {0, 0, nowMs} otherwise.
    private const string ExtendScript = """
        local t = redis.call('TIME')
        local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
        local holder = redis.call('GET', KEYS[1])
        local prefix = ARGV[1] .. ':'
        if holder and string.sub(holder, 1, string.len(prefix)) == prefix then
          redis.call('PEXPIRE', KEYS[1], ARGV[2])
          local rest = string.sub(holder, string.len(prefix) + 1)
          return {1, tonumber(string.sub(rest, 1, string.find(rest, ':', 1, true) - 1)), now}
        end
        return {0, 0, now}
        """;

    // KEYS[1] lease key, KEYS[2] fencing counter key. No ARGV.
    // Returns {holderValue or false, remainingMs, fencingCounter or false, nowMs}.
    private const string StateScript = """
        local t = redis.call('TIME')
        local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
        return {redis.call('GET', KEYS[1]), redis.call('PTTL', KEYS[1]), redis.call('GET', KEYS[2]), now}
        """;

    /// <summary>Sets the lease of <paramref name="name"/> to <paramref name="token"/> when the lock is free.</summary>
    public async Task<LockAttempt> TryAcquireAsync(string name, string token, string owner, long leaseMs)
    {
        var result = (RedisResult[])(await Database.ScriptEvaluateAsync(
            AcquireScript, [keys.Lock(name), keys.LockFence(name)], [token, owner, leaseMs]).ConfigureAwait(false))!;
        var now = FromUnixMs((long)result[2]);
        return (long)result[0] == 1
            ? LockAttempt.Granted((long)result[1], now, now.AddMilliseconds(leaseMs))
            : LockAttempt.Held(Remaining(result[1]), now, LockHolder.Parse(result[3]));
    }

    /// <summary>
    /// Releases the lease of <paramref name="token"/> if it holds the lock and, when <paramref name="next"/> is given,
    /// grants the then free lock to it in the same script.
    /// </summary>
    public async Task<LockReleaseOutcome> ReleaseAsync(string name, string token, (string Token, string Owner, long LeaseMs)? next = null)
    {
        RedisValue[] arguments = next is { } n ? [token, n.Token, n.Owner, n.LeaseMs] : [token];
        var result = (RedisResult[])(await Database.ScriptEvaluateAsync(
            ReleaseScript, [keys.Lock(name), keys.LockFence(name)], arguments).ConfigureAwait(false))!;
        var released = (long)result[0] == 1;
        var now = FromUnixMs((long)result[3]);
        if (next is not { } waiter)
        {
            return new LockReleaseOutcome(released, null);
        }

        var attempt = (long)result[1] == 1
            ? LockAttempt.Granted((long)result[2], now, now.AddMilliseconds(waiter.LeaseMs))
            : LockAttempt.Held(Remaining(result[2]), now, LockHolder.Parse(result[4]));
        return new LockReleaseOutcome(released, attempt);
    }

    /// <summary>Sets the lease of <paramref name="token"/> to <paramref name="leaseMs"/> from now, only while it holds the lock.</summary>
    /// <returns>The new expiry and the lease's fencing token; <see langword="null"/> when the token does not hold the lock.</returns>
    public async Task<(DateTimeOffset ExpiresAtUtc, long FencingToken)?> ExtendAsync(string name, string token, long leaseMs)
    {
        var result = (RedisResult[])(await Database.ScriptEvaluateAsync(
            ExtendScript, [keys.Lock(name)], [token, leaseMs]).ConfigureAwait(false))!;
        return (long)result[0] == 1 ? (FromUnixMs((long)result[2]).AddMilliseconds(leaseMs), (long)result[1]) : null;
    }

    /// <summary>Reads the lease and the fencing counter of <paramref name="name"/>.</summary>
    public async Task<LockSnapshot> ReadAsync(string name)
    {
        var result = (RedisResult[])(await Database.ScriptEvaluateAsync(
            StateScript, [keys.Lock(name), keys.LockFence(name)]).ConfigureAwait(false))!;
        var holder = LockHolder.Parse(result[0]);
        var now = FromUnixMs((long)result[3]);
        var counter = IsFalse(result[2]) ? 0 : (long)result[2];
        return holder is null
            ? new LockSnapshot(null, counter, null, now)
            : new LockSnapshot(holder, counter, now.AddMilliseconds(Remaining(result[1])), now);
    }

    private IDatabase Database => connections.State.GetDatabase();

    // A lease always has a TTL; a key without one (-1) was not written by this store, so look again in a second
    // rather than spin.
    private static long Remaining(RedisResult pttl) => (long)pttl is var ms && ms < 0 ? 1000 : ms;

    // Lua false arrives as nil under RESP2 and as a boolean under RESP3.
    internal static bool IsFalse(RedisResult value) => value.IsNull || value.Resp3Type == ResultType.Boolean;

    private static DateTimeOffset FromUnixMs(long milliseconds) => DateTimeOffset.FromUnixTimeMilliseconds(milliseconds);
}
