using OrleansRedis.Abstractions.Diagnostics;
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
    /// <summary>Gets the replicas that must confirm each grant, release and extension (<c>OrleansRedis:Locks:ReplicaAcks</c>).</summary>
    public ReplicaWait ReplicaWait { get; init; }

    // Every script answers with named fields (ScriptReply, read by LockReply); see LockReply for the field names.

    // KEYS[1] lease key, KEYS[2] fencing counter key.
    // ARGV[1] token, ARGV[2] owner, ARGV[3] lease in ms.
    // Replies {'acquired', 1, 'fence', fencingToken, 'now', nowMs} when acquired;
    // {'acquired', 0, 'remaining', pttlMs, 'holder', holderValue, 'now', nowMs} when held by someone else.
    private const string AcquireScript = """
        local t = redis.call('TIME')
        local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
        local holder = redis.call('GET', KEYS[1])
        if holder then
          return {'acquired', 0, 'remaining', redis.call('PTTL', KEYS[1]), 'holder', holder, 'now', now}
        end
        local fence = redis.call('INCR', KEYS[2])
        redis.call('SET', KEYS[1], ARGV[1] .. ':' .. fence .. ':' .. ARGV[2], 'NX', 'PX', ARGV[3])
        return {'acquired', 1, 'fence', fence, 'now', now}
        """;

    // KEYS[1] lease key, KEYS[2] fencing counter key.
    // ARGV[1] token to release; optionally ARGV[2] next token, ARGV[3] next owner, ARGV[4] next lease in ms, to hand
    // the lock to the next waiter in the same round trip.
    // Replies {'released', 1|0, 'now', nowMs}, and with a next waiter the attempt made for it, as AcquireScript
    // answers: 'acquired' 1 with 'fence', or 'acquired' 0 with 'remaining' and 'holder'.
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
          return {'released', released, 'now', now}
        end
        if holder then
          return {'released', released, 'now', now, 'acquired', 0, 'remaining', redis.call('PTTL', KEYS[1]), 'holder', holder}
        end
        local fence = redis.call('INCR', KEYS[2])
        redis.call('SET', KEYS[1], ARGV[2] .. ':' .. fence .. ':' .. ARGV[3], 'NX', 'PX', ARGV[4])
        return {'released', released, 'now', now, 'acquired', 1, 'fence', fence}
        """;

    // KEYS[1] lease key. ARGV[1] token, ARGV[2] new lease in ms.
    // Replies {'extended', 1, 'fence', fencingToken, 'now', nowMs} when the token holds the lock (its TTL is set to
    // the new lease); {'extended', 0, 'now', nowMs} otherwise.
    private const string ExtendScript = """
        local t = redis.call('TIME')
        local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
        local holder = redis.call('GET', KEYS[1])
        local prefix = ARGV[1] .. ':'
        if holder and string.sub(holder, 1, string.len(prefix)) == prefix then
          redis.call('PEXPIRE', KEYS[1], ARGV[2])
          local rest = string.sub(holder, string.len(prefix) + 1)
          return {'extended', 1, 'fence', tonumber(string.sub(rest, 1, string.find(rest, ':', 1, true) - 1)), 'now', now}
        end
        return {'extended', 0, 'now', now}
        """;

    // KEYS[1] lease key, KEYS[2] fencing counter key. No ARGV.
    // Replies {'holder', holderValue or false, 'remaining', pttlMs, 'fence', counter or false, 'now', nowMs}.
    private const string StateScript = """
        local t = redis.call('TIME')
        local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
        return {'holder', redis.call('GET', KEYS[1]), 'remaining', redis.call('PTTL', KEYS[1]),
          'fence', redis.call('GET', KEYS[2]), 'now', now}
        """;

    /// <summary>Sets the lease of <paramref name="name"/> to <paramref name="token"/> when the lock is free.</summary>
    public async Task<LockAttempt> TryAcquireAsync(string name, string token, string owner, long leaseMs)
    {
        var result = await Database.ScriptEvaluateAsync(
            OrleansRedisActivitySources.Locks, "lock acquire", AcquireScript, [keys.Lock(name), keys.LockFence(name)], [token, owner, leaseMs]).ConfigureAwait(false);
        var attempt = LockReply.ReadAttempt(ScriptReply.Read(result, "lock acquire"), leaseMs);
        if (attempt.Acquired)
        {
            await ReplicaWait.WaitAsync(connections.State, keys.Lock(name), "lock grant").ConfigureAwait(false);
        }

        return attempt;
    }

    /// <summary>
    /// Releases the lease of <paramref name="token"/> if it holds the lock and, when <paramref name="next"/> is given,
    /// grants the then free lock to it in the same script.
    /// </summary>
    public async Task<LockReleaseOutcome> ReleaseAsync(string name, string token, (string Token, string Owner, long LeaseMs)? next = null)
    {
        RedisValue[] arguments = next is { } n ? [token, n.Token, n.Owner, n.LeaseMs] : [token];
        var reply = ScriptReply.Read(
            await Database.ScriptEvaluateAsync(OrleansRedisActivitySources.Locks, "lock release", ReleaseScript, [keys.Lock(name), keys.LockFence(name)], arguments).ConfigureAwait(false),
            "lock release");
        var released = reply.Flag(LockReply.Released);
        if (released)
        {
            await ReplicaWait.WaitAsync(connections.State, keys.Lock(name), "lock release").ConfigureAwait(false);
        }

        return next is { } waiter
            ? new LockReleaseOutcome(released, LockReply.ReadAttempt(reply, waiter.LeaseMs))
            : new LockReleaseOutcome(released, null);
    }

    /// <summary>Sets the lease of <paramref name="token"/> to <paramref name="leaseMs"/> from now, only while it holds the lock.</summary>
    /// <returns>The new expiry and the lease's fencing token; <see langword="null"/> when the token does not hold the lock.</returns>
    public async Task<(DateTimeOffset ExpiresAtUtc, long FencingToken)?> ExtendAsync(string name, string token, long leaseMs)
    {
        var reply = ScriptReply.Read(
            await Database.ScriptEvaluateAsync(OrleansRedisActivitySources.Locks, "lock extend", ExtendScript, [keys.Lock(name)], [token, leaseMs]).ConfigureAwait(false), "lock extend");
        if (!reply.Flag(LockReply.Extended))
        {
            return null;
        }

        await ReplicaWait.WaitAsync(connections.State, keys.Lock(name), "lock extension").ConfigureAwait(false);
        return (LockReply.ReadNow(reply).AddMilliseconds(leaseMs), reply.Int64(LockReply.Fence));
    }

    /// <summary>Reads the lease and the fencing counter of <paramref name="name"/>.</summary>
    public async Task<LockSnapshot> ReadAsync(string name)
    {
        var reply = ScriptReply.Read(
            await Database.ScriptEvaluateAsync(OrleansRedisActivitySources.Locks, "lock state", StateScript, [keys.Lock(name), keys.LockFence(name)]).ConfigureAwait(false), "lock state");
        var holder = LockHolder.Parse(reply.Raw(LockReply.Holder));
        var now = LockReply.ReadNow(reply);
        var counter = reply.Int64(LockReply.Fence, fallback: 0);
        return holder is null
            ? new LockSnapshot(null, counter, null, now)
            : new LockSnapshot(holder, counter, now.AddMilliseconds(LockReply.ReadRemaining(reply)), now);
    }

    private IDatabase Database => connections.State.GetDatabase();
}
