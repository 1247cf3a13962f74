using StackExchange.Redis;

namespace OrleansRedis.Silo.Hosting;

/// <summary>Looks through wrapped exceptions for the Redis failure underneath.</summary>
public static class ExceptionExtensions
{
    /// <summary>Returns the first <see cref="RedisException"/> in <paramref name="exception"/>'s chain, or null.</summary>
    public static RedisException? FindRedisFailure(this Exception exception)
    {
        for (Exception? current = exception; current is not null; current = current.InnerException)
        {
            if (current is RedisException redis)
            {
                return redis;
            }

            if (current is AggregateException aggregate && aggregate.InnerExceptions.Select(FindRedisFailure).FirstOrDefault(f => f is not null) is { } inner)
            {
                return inner;
            }
        }

        return null;
    }
}
