using OrleansRedis.Abstractions.Diagnostics;
using StackExchange.Redis;

namespace OrleansRedis.Redis.Realtime;

/// <summary>
/// The Redis side of presence: a sorted set of members scored by their expiry in Redis milliseconds, and a hash of the
/// data they attached. Every script first drops the members whose expiry passed (and answers them as <c>left</c>), so
/// a member whose heartbeats stopped is gone at its TTL whichever call comes next; the room's keys expire with their
/// last member.
/// </summary>
public sealed class PresenceStore(RedisConnections connections, RedisKeys keys)
{
    /// <summary>Whether the member was not live before (heartbeat).</summary>
    public static readonly ReplyField Joined = new("joined");

    /// <summary>Whether the member was removed (leave).</summary>
    public static readonly ReplyField Removed = new("removed");

    /// <summary>The members whose TTL ran out, dropped by this call.</summary>
    public static readonly ReplyField Left = new("left");

    /// <summary>The live members and their expiries, as alternating member and score (list).</summary>
    public static readonly ReplyField Members = new("members");

    /// <summary>The data of the live members, in the order of <see cref="Members"/> (list).</summary>
    public static readonly ReplyField Data = new("data");

    /// <summary>The earliest expiry of a live member, or false.</summary>
    public static readonly ReplyField Next = new("next");

    /// <summary>Redis's time in ms.</summary>
    public static readonly ReplyField Now = new("now");

    // The prologue every script shares: 'now' in ms and 'left', the members whose expiry passed, already removed.
    private const string Sweep = """
        local t = redis.call('TIME')
        local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
        local left = redis.call('ZRANGEBYSCORE', KEYS[1], '-inf', now)
        if #left > 0 then
          redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', now)
          redis.call('HDEL', KEYS[2], unpack(left))
        end
        local function nextExpiry()
          local first = redis.call('ZRANGE', KEYS[1], 0, 0, 'WITHSCORES')
          if #first == 0 then return false end
          return tonumber(first[2])
        end
        """;

    // KEYS[1] members, KEYS[2] data. ARGV[1] member, ARGV[2] ttl ms, ARGV[3] data ('' keeps none).
    // Replies {'joined', 0|1, 'now', ms, 'left', [...], 'next', ms}. Both keys outlive this member by a minute, so the
    // sweep at its expiry still finds it (and announces its leave); an abandoned room's keys then expire by themselves.
    private const string HeartbeatScript = Sweep + "\n" + """
        local joined = 1
        if redis.call('ZSCORE', KEYS[1], ARGV[1]) then joined = 0 end
        local ttl = tonumber(ARGV[2])
        redis.call('ZADD', KEYS[1], now + ttl, ARGV[1])
        if ARGV[3] == '' then redis.call('HDEL', KEYS[2], ARGV[1]) else redis.call('HSET', KEYS[2], ARGV[1], ARGV[3]) end
        local keep = ttl + 60000
        if redis.call('PTTL', KEYS[1]) < keep then redis.call('PEXPIRE', KEYS[1], keep) end
        if redis.call('EXISTS', KEYS[2]) == 1 and redis.call('PTTL', KEYS[2]) < keep then redis.call('PEXPIRE', KEYS[2], keep) end
        return {'joined', joined, 'now', now, 'left', left, 'next', nextExpiry()}
        """;

    // KEYS[1] members, KEYS[2] data. ARGV[1] member.
    // Replies {'removed', 0|1, 'now', ms, 'left', [...], 'next', ms or false}.
    private const string LeaveScript = Sweep + "\n" + """
        local removed = redis.call('ZREM', KEYS[1], ARGV[1])
        redis.call('HDEL', KEYS[2], ARGV[1])
        return {'removed', removed, 'now', now, 'left', left, 'next', nextExpiry()}
        """;

    // KEYS[1] members, KEYS[2] data. No ARGV.
    // Replies {'members', [member, expiry, ...], 'data', [data or false, ...], 'now', ms, 'left', [...], 'next', ms or false}.
    private const string ListScript = Sweep + "\n" + """
        local members = redis.call('ZRANGE', KEYS[1], 0, -1, 'WITHSCORES')
        local data = {}
        for i = 1, #members, 2 do data[#data + 1] = redis.call('HGET', KEYS[2], members[i]) end
        return {'members', members, 'data', data, 'now', now, 'left', left, 'next', nextExpiry()}
        """;

    /// <summary>Refreshes <paramref name="member"/>'s expiry to now + <paramref name="ttlMs"/>.</summary>
    public async Task<PresenceChange> HeartbeatAsync(string room, string member, long ttlMs, string? data)
    {
        var reply = await RunAsync(HeartbeatScript, room, [member, ttlMs, data ?? string.Empty], "presence heartbeat").ConfigureAwait(false);
        return Change(reply, reply.Flag(Joined));
    }

    /// <summary>Removes <paramref name="member"/>.</summary>
    public async Task<PresenceChange> LeaveAsync(string room, string member)
    {
        var reply = await RunAsync(LeaveScript, room, [member], "presence leave").ConfigureAwait(false);
        return Change(reply, reply.Flag(Removed));
    }

    /// <summary>Lists the live members with their data and expiry.</summary>
    public async Task<(IReadOnlyList<(string Member, string? Data, long ExpiresMs)> Members, PresenceChange Change)> ListAsync(string room)
    {
        var reply = await RunAsync(ListScript, room, [], "presence list").ConfigureAwait(false);
        var members = reply.Array(Members);
        var data = reply.Array(Data);
        var list = new List<(string, string?, long)>(members.Length / 2);
        for (var i = 0; i + 1 < members.Length; i += 2)
        {
            var value = data[i / 2];
            list.Add(((string)members[i]!, ScriptReply.IsAbsent(value) ? null : (string?)value, (long)(double)members[i + 1]));
        }

        return (list, Change(reply, false));
    }

    private static PresenceChange Change(ScriptReply reply, bool flag)
    {
        var left = reply.Array(Left).Select(m => (string)m!).ToArray();
        var next = reply.Has(Next) ? (long?)(long)(double)reply.Raw(Next) : null;
        return new PresenceChange(flag, reply.Int64(Now), left, next);
    }

    private async Task<ScriptReply> RunAsync(string script, string room, RedisValue[] arguments, string name) =>
        ScriptReply.Read(
            await connections.State.GetDatabase()
                .ScriptEvaluateAsync(OrleansRedisActivitySources.Realtime, name, script, [keys.RoomMembers(room), keys.RoomData(room)], arguments).ConfigureAwait(false),
            name);
}
