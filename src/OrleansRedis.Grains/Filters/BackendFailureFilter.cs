using Orleans.Persistence.Redis;
using Orleans.Storage;
using OrleansRedis.Abstractions.Errors;
using OrleansRedis.Abstractions.Queues;
using OrleansRedis.Grains.Queues;
using OrleansRedis.Redis;
using StackExchange.Redis;

namespace OrleansRedis.Grains.Filters;

/// <summary>
/// Turns infrastructure failures escaping a grain call (StackExchange.Redis exceptions, Orleans' Redis storage
/// exceptions, storage etag conflicts) into <see cref="BackendUnavailableException"/>, a type every client can
/// deserialize. Without this, a client that does not reference the storage provider receives a TypeLoadException
/// instead of a reason. It looks only at calls to the project's own grains (those of this assembly): a host's grain
/// in the same silo keeps its own exceptions, an <see cref="InconsistentStateException"/> included. The queue grains
/// answer a <see cref="QueueException"/> with <see cref="QueueErrorCode.Unavailable"/> instead.
/// </summary>
public sealed class BackendFailureFilter : IIncomingGrainCallFilter
{
    /// <inheritdoc />
    public async Task Invoke(IIncomingGrainCallContext context)
    {
        if (!IsOwnGrain(context.Grain))
        {
            await context.Invoke();
            return;
        }

        try
        {
            await context.Invoke();
        }
        catch (Exception ex) when (Describe(ex) is { } failure)
        {
            // The queue grains' callers get the queue's own vocabulary (QueueErrorCode.Unavailable, as IQueueGrain
            // documents); the HTTP layer answers both with 503.
            if (context.Grain is QueuePartitionGrain or QueuePartitionRelayGrain or QueueGrain or QueueScheduleGrain or QueueHandlerGrain)
            {
                var key = context.TargetId.Key.ToString();
                var end = key.IndexOfAny(['#', '/']);
                throw new QueueException(QueueErrorCode.Unavailable, end < 0 ? key : key[..end], failure) { RetryAfter = TimeSpan.FromSeconds(1) };
            }

            throw new BackendUnavailableException("redis", failure);
        }
    }

    /// <summary>Returns whether <paramref name="grain"/> is one of the project's grains, whose failures this filter translates.</summary>
    public static bool IsOwnGrain(object? grain) => grain?.GetType().Assembly == typeof(BackendFailureFilter).Assembly;

    /// <summary>Returns a reason when <paramref name="exception"/> is an infrastructure failure, otherwise null.</summary>
    public static string? Describe(Exception exception)
    {
        for (Exception? current = exception; current is not null; current = current.InnerException)
        {
            switch (current)
            {
                case RedisException or RedisStorageException:
                    return $"Redis is unavailable: {current.Message}";
                case InconsistentStateException:
                    return "The stored state changed underneath this call (a write raced it or Redis lost data); retry.";
                case TimeoutException when RedisFailures.IsRedisTimeout(current):
                    return $"Redis did not answer in time: {current.Message}";
            }
        }

        return null;
    }
}
