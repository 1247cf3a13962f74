using System.Security.Cryptography;
using System.Text;
using StackExchange.Redis;

namespace OrleansRedis.Redis;

/// <summary>Keys of the session store.</summary>
public sealed partial class RedisKeys
{
    /// <summary>The key kind of session hashes.</summary>
    public const string SessionKind = "session";

    /// <summary>The key kind of per-user session indexes.</summary>
    public const string UserSessionsKind = "user-sessions";

    /// <summary>The hash holding one session, under the SHA-256 of its id (never the id).</summary>
    public RedisKey Session(string idHash) => Build(SessionKind, idHash);

    /// <summary>
    /// The sorted set indexing a user's sessions (member: id hash, score: absolute deadline). The user id is hashed too:
    /// it may contain any character, including the braces of a hash tag, and a Redis dump need not show it.
    /// </summary>
    public RedisKey UserSessions(string userId) => Build(UserSessionsKind, UserTag(userId));

    /// <summary>The user's "sessions created before this Redis time (ms) are revoked" mark, in the index's slot.</summary>
    public RedisKey UserSessionsRevokedBefore(string userId) => Build(UserSessionsKind, UserTag(userId), "revoked-before");

    private static string UserTag(string userId) => Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(userId)));
}
