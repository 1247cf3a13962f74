using Microsoft.Extensions.Options;
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

    /// <summary>
    /// Returns every options-validation failure in <paramref name="exception"/>: start-up validation throws one
    /// <see cref="OptionsValidationException"/>, or an <see cref="AggregateException"/> of them when several option
    /// classes fail at once.
    /// </summary>
    public static IReadOnlyList<string> OptionsFailures(this Exception exception) => exception switch
    {
        OptionsValidationException validation => [.. validation.Failures],
        AggregateException aggregate => [.. aggregate.InnerExceptions.SelectMany(OptionsFailures)],
        { InnerException: { } inner } => inner.OptionsFailures(),
        _ => [],
    };
}
