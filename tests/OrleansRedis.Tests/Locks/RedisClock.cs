using StackExchange.Redis;

namespace OrleansRedis.Tests.Locks;

/// <summary>Reads Redis's clock, the clock every lease is timed by.</summary>
public static class RedisClock
{
    /// <summary>Returns Redis's current time (TIME).</summary>
    public static async Task<DateTimeOffset> NowAsync(IDatabase database)
    {
        var parts = (RedisResult[])(await database.ExecuteAsync("TIME"))!;
        return DateTimeOffset.FromUnixTimeMilliseconds(((long)parts[0] * 1000) + ((long)parts[1] / 1000));
    }
}
