using OrleansRedis.Abstractions.Caching;

namespace OrleansRedis.LoadDriver.Scenarios;

/// <summary>Counts this process's calls to cache-entry grains: a read that makes none was served by the node's own copy (L1).</summary>
public sealed class CacheEntryCalls : IOutgoingGrainCallFilter
{
    private long _count;

    /// <summary>Gets the number of cache-entry grain calls made so far.</summary>
    public long Count => Interlocked.Read(ref _count);

    /// <inheritdoc />
    public Task Invoke(IOutgoingGrainCallContext context)
    {
        if (context.InterfaceMethod?.DeclaringType == typeof(ICacheEntryGrain))
        {
            Interlocked.Increment(ref _count);
        }

        return context.Invoke();
    }
}
