using StackExchange.Redis;

namespace OrleansRedis.Redis;

public sealed partial class RedisKeys
{
    /// <summary>The key kind of cached users.</summary>
    public const string UserKind = "user";

    /// <summary>Builds the key of the cached copy of user <paramref name="userId"/> (a hash: version + payload), on the Cache role.</summary>
    public RedisKey User(string userId) => Build(UserKind, userId);
}
