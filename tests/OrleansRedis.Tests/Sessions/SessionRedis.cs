using System.Security.Cryptography;
using System.Text;
using StackExchange.Redis;

namespace OrleansRedis.Tests.Sessions;

/// <summary>Looks at the session store's keys straight in Redis, as an operator would, without sliding anything.</summary>
internal static class SessionRedis
{
    /// <summary>The key of a session hash under the default prefix.</summary>
    public static RedisKey SessionKey(string idHash) => $"or:session:{{{idHash}}}";

    /// <summary>The key of a user's session index under the default prefix.</summary>
    public static RedisKey UserIndexKey(string userId) =>
        $"or:user-sessions:{{{Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(userId)))}}}";

    /// <summary>
    /// Dumps every session key (sessions and per-user indexes) with its contents, TTLs left out (they move with time),
    /// so two dumps are equal exactly when no session was written in between. Other capabilities' keys are left out:
    /// their tests share the cluster and write at the same time.
    /// </summary>
    public static async Task<string> DumpAsync(IConnectionMultiplexer redis)
    {
        var database = redis.GetDatabase();
        var dump = new StringBuilder();
        var keys = new List<string>();

        // Every master: on a Redis Cluster each holds a share of the keys.
        foreach (var server in redis.GetServers().Where(server => server.IsConnected && !server.IsReplica))
        {
            await foreach (var key in server.KeysAsync(pattern: "or:*"))
            {
                if (key.ToString().StartsWith("or:session:", StringComparison.Ordinal) || key.ToString().StartsWith("or:user-sessions:", StringComparison.Ordinal))
                {
                    keys.Add(key!);
                }
            }
        }

        foreach (var key in keys.Order(StringComparer.Ordinal))
        {
            dump.Append(key).Append(" = ");
            switch (await database.KeyTypeAsync(key))
            {
                case RedisType.Hash:
                    foreach (var entry in (await database.HashGetAllAsync(key)).OrderBy(e => (string)e.Name!, StringComparer.Ordinal))
                    {
                        dump.Append(entry.Name).Append(':').Append(entry.Value).Append(';');
                    }

                    break;
                case RedisType.SortedSet:
                    foreach (var entry in await database.SortedSetRangeByRankWithScoresAsync(key))
                    {
                        dump.Append(entry.Element).Append('@').Append(entry.Score).Append(';');
                    }

                    break;
                default:
                    dump.Append(await database.StringGetAsync(key));
                    break;
            }

            dump.AppendLine();
        }

        return dump.ToString();
    }
}
