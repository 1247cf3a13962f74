using StackExchange.Redis;

namespace OrleansRedis.Redis;

/// <summary>
/// Tells Redis failures from others, for the grain failure filter and the HTTP problem table alike: a
/// <see cref="TimeoutException"/> is Redis' only when StackExchange.Redis raised it, since Orleans' own grain-call
/// response timeout is a <see cref="TimeoutException"/> too.
/// </summary>
public static class RedisFailures
{
    /// <summary>
    /// Returns whether <paramref name="exception"/> is a timeout raised by StackExchange.Redis (its
    /// <see cref="RedisTimeoutException"/>, or any <see cref="TimeoutException"/> thrown from inside the library).
    /// </summary>
    public static bool IsRedisTimeout(Exception exception) =>
        exception is RedisTimeoutException
        || (exception is TimeoutException && exception.StackTrace?.Contains("StackExchange.Redis", StringComparison.Ordinal) == true);
}
