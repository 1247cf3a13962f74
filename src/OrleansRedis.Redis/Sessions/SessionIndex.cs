using OrleansRedis.Abstractions.Diagnostics;
using StackExchange.Redis;

namespace OrleansRedis.Redis.Sessions;

/// <summary>
/// The per-user session index: a sorted set per user (member: id hash, score: absolute deadline) and a
/// "revoked before" mark in the same hash slot. Its keys live in the user's slot and the session hashes in their
/// own, so no script spans both (Redis Cluster would refuse it); instead the order of steps keeps it safe:
/// <list type="bullet">
/// <item>A session is written first and indexed second, and its id is handed out only after both. A crash in between
/// leaves an unindexed session whose id nobody has.</item>
/// <item>"Revoke all" first marks the user's revocation time, then ends every indexed session. Indexing refuses a
/// session created before the mark, so a creation or rotation racing with the revocation cannot outlive it.</item>
/// <item>Entries whose session has ended are pruned whenever the index is read.</item>
/// </list>
/// </summary>
public sealed class SessionIndex(RedisConnections connections, RedisKeys keys)
{
    /// <summary>Gets the replicas that must confirm each indexing and revocation (<c>OrleansRedis:Sessions:ReplicaAcks</c>).</summary>
    public ReplicaWait ReplicaWait { get; init; }

    // KEYS[1]: the user's index (sorted set); KEYS[2]: the user's revoked-before mark.
    // ARGV[1]: the id hash to add; ARGV[2]: the session's creation time (ms); ARGV[3]: its absolute deadline (ms), the
    // score; ARGV[4]: an id hash to remove in the same step (the rotated-away id), or ''.
    // Refuses a session created before the user's last revocation began, or in the same millisecond (the clock's
    // resolution cannot order those). Keeps the index alive as long as its longest-lived session.
    // Replies with one value: 1 when indexed, 0 when refused.
    private const string AddScript = """
        local mark = redis.call('GET', KEYS[2])
        if mark and tonumber(ARGV[2]) <= tonumber(mark) then
          return 0
        end
        if ARGV[4] ~= '' then
          redis.call('ZREM', KEYS[1], ARGV[4])
        end
        redis.call('ZADD', KEYS[1], ARGV[3], ARGV[1])
        local t = redis.call('TIME')
        local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
        local keep = math.max(tonumber(ARGV[3]) - now, 1000)
        if redis.call('PTTL', KEYS[1]) < keep then
          redis.call('PEXPIRE', KEYS[1], keep)
        end
        return 1
        """;

    // KEYS[1]: the user's index; KEYS[2]: the user's revoked-before mark.
    // ARGV[1]: how long the mark must outlive this call (ms): the longest absolute timeout any session may have.
    // Marks "every session created before now is revoked". Replies with one value: the indexed id hashes.
    private const string RevokeScript = """
        local t = redis.call('TIME')
        local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
        local previous = tonumber(redis.call('GET', KEYS[2]) or '0')
        redis.call('SET', KEYS[2], string.format('%d', math.max(now, previous)), 'PX', ARGV[1])
        return redis.call('ZRANGE', KEYS[1], 0, -1)
        """;

    // KEYS[1]: the user's index. No ARGV.
    // Prunes entries past their absolute deadline. Replies with named fields (ScriptReply): 'now' (Redis's clock, ms)
    // and 'members' (the remaining id hashes).
    private const string ReadScript = """
        local t = redis.call('TIME')
        local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
        redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', now)
        return {'now', now, 'members', redis.call('ZRANGE', KEYS[1], 0, -1)}
        """;

    private static readonly ReplyField Now = new("now");
    private static readonly ReplyField Members = new("members");

    private IDatabase Database => connections.State.GetDatabase();

    /// <summary>
    /// Indexes a session of <paramref name="userId"/>, removing <paramref name="replacesIdHash"/> in the same step.
    /// </summary>
    /// <returns><see langword="false"/> when the user's sessions were revoked after <paramref name="createdMs"/>:
    /// the caller must end the session it just wrote.</returns>
    public async Task<bool> AddAsync(string userId, string idHash, long createdMs, long deadlineMs, string? replacesIdHash = null)
    {
        var result = await Database.ScriptEvaluateAsync(
            OrleansRedisActivitySources.Sessions, "session index add", AddScript,
            [keys.UserSessions(userId), keys.UserSessionsRevokedBefore(userId)],
            [idHash, createdMs, deadlineMs, replacesIdHash ?? string.Empty]).ConfigureAwait(false);
        if ((long)result != 1)
        {
            return false;
        }

        await ReplicaWait.WaitAsync(connections.State, keys.UserSessions(userId), "session index").ConfigureAwait(false);
        return true;
    }

    /// <summary>Removes <paramref name="idHashes"/> from the index of <paramref name="userId"/>.</summary>
    public Task RemoveAsync(string userId, IReadOnlyCollection<string> idHashes) =>
        idHashes.Count == 0
            ? Task.CompletedTask
            : Database.SortedSetRemoveAsync(keys.UserSessions(userId), idHashes.Select(h => (RedisValue)h).ToArray());

    /// <summary>
    /// Marks every session of <paramref name="userId"/> created before now as revoked (the mark lasts
    /// <paramref name="markLifetime"/>) and returns the indexed id hashes, which the caller then ends.
    /// </summary>
    public async Task<IReadOnlyList<string>> BeginRevokeAsync(string userId, TimeSpan markLifetime)
    {
        var result = await Database.ScriptEvaluateAsync(
            OrleansRedisActivitySources.Sessions, "session index revoke", RevokeScript,
            [keys.UserSessions(userId), keys.UserSessionsRevokedBefore(userId)],
            [(long)markLifetime.TotalMilliseconds]).ConfigureAwait(false);
        await ReplicaWait.WaitAsync(connections.State, keys.UserSessions(userId), "session revocation").ConfigureAwait(false);
        return ((RedisResult[])result!).Select(r => (string)r!).ToList();
    }

    /// <summary>
    /// Lists the live sessions of <paramref name="userId"/>, oldest first, without sliding them, and prunes the
    /// entries of sessions that have ended.
    /// </summary>
    public async Task<IReadOnlyList<IndexedSession>> ListAsync(string userId)
    {
        var database = Database;
        var index = keys.UserSessions(userId);
        var read = ScriptReply.Read(await database.ScriptEvaluateAsync(OrleansRedisActivitySources.Sessions, "session index read", ReadScript, [index]).ConfigureAwait(false), "session index read");
        var now = read.Int64(Now);
        var members = read.Array(Members).Select(r => (string)r!).ToList();

        // One read-only pipeline over the members' own keys; each session hash lives in its own slot.
        var fields = new RedisValue[] { "c", "a" };
        var reads = members.Select(m => (
            Fields: database.HashGetAsync(keys.Session(m), fields),
            Ttl: database.KeyTimeToLiveAsync(keys.Session(m)))).ToList();
        await Task.WhenAll(reads.SelectMany(r => new Task[] { r.Fields, r.Ttl })).ConfigureAwait(false);

        var live = new List<IndexedSession>();
        var ended = new List<string>();
        for (var i = 0; i < members.Count; i++)
        {
            var values = await reads[i].Fields.ConfigureAwait(false);
            var ttl = await reads[i].Ttl.ConfigureAwait(false);
            if (values[0].IsNull || values[1].IsNull || ttl is null)
            {
                ended.Add(members[i]);
                continue;
            }

            live.Add(new IndexedSession(
                members[i],
                (long)values[0],
                now + (long)ttl.Value.TotalMilliseconds,
                (long)values[1]));
        }

        await RemoveAsync(userId, ended).ConfigureAwait(false);
        return live.OrderBy(s => s.CreatedMs).ToList();
    }
}
