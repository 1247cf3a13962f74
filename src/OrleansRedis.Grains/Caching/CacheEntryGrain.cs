using Orleans.Concurrency;
using OrleansRedis.Abstractions.Caching;
using OrleansRedis.Redis.Caching;

namespace OrleansRedis.Grains.Caching;

/// <summary>
/// One key of a cluster cache; see <see cref="ICacheEntryGrain"/>. Reentrant, so waiters queue on the running
/// election instead of on the grain. The value is in Redis; memory holds only the running election and, for a few
/// seconds, the value it produced, which closes the gap between a caller's Redis read (a miss) and an election that
/// completed meanwhile. A brief duplicate activation can at worst run a second factory: Redis keeps one value.
/// </summary>
[GrainType("cache-entry")]
[Reentrant]
public sealed class CacheEntryGrain(HybridCacheStore store, TimeProvider time) : Grain, ICacheEntryGrain
{
    private static readonly TimeSpan MemoryHold = TimeSpan.FromSeconds(5);

    private Election? _election;
    private CacheValue? _last;
    private long _lastUntil;
    private long _generation;

    private string GrainKey => this.GetPrimaryKeyString();

    /// <inheritdoc />
    public async Task<CacheLookup> GetOrLeaseAsync(TimeSpan leaseTime, TimeSpan wait)
    {
        if (Remembered() is { } known)
        {
            return new CacheLookup(known, null);
        }

        if (Running() is { } running)
        {
            return await WaitAsync(running, wait);
        }

        if (await store.GetAsync(GrainKey) is { } stored)
        {
            return new CacheLookup(new CacheValue(stored.Bytes, stored.Tags), null);
        }

        // The read took a round trip: an election may have begun or ended meanwhile.
        if (Remembered() is { } completed)
        {
            return new CacheLookup(completed, null);
        }

        if (Running() is { } begun)
        {
            return await WaitAsync(begun, wait);
        }

        _election = new Election(Guid.NewGuid(), time.GetTimestamp() + Ticks(leaseTime));
        return new CacheLookup(null, _election.Id);
    }

    /// <inheritdoc />
    public async Task<bool> CompleteAsync(Guid lease, CacheValue value, TimeSpan expiration)
    {
        if (_election is not { } election || election.Id != lease)
        {
            return false;
        }

        var generation = _generation;
        try
        {
            await WriteAsync(value, expiration);
        }
        catch
        {
            End(election, null);
            throw;
        }

        if (generation != _generation)
        {
            // Removed or set while this value was written: the newer decision stands.
            if (_last is null)
            {
                await store.RemoveAsync(GrainKey);
            }

            return false;
        }

        Remember(value, expiration);
        End(election, value);
        return true;
    }

    /// <inheritdoc />
    public Task AbandonAsync(Guid lease)
    {
        if (_election is { } election && election.Id == lease)
        {
            End(election, null);
        }

        return Task.CompletedTask;
    }

    /// <inheritdoc />
    public async Task SetAsync(CacheValue value, TimeSpan expiration)
    {
        _generation++;
        await WriteAsync(value, expiration);
        Remember(value, expiration);
        if (_election is { } election)
        {
            End(election, value);
        }
    }

    /// <inheritdoc />
    public async Task<bool> RemoveAsync()
    {
        _generation++;
        _last = null;
        if (_election is { } election)
        {
            End(election, null);
        }

        return await store.RemoveAsync(GrainKey);
    }

    private Task WriteAsync(CacheValue value, TimeSpan expiration) =>
        store.SetAsync(GrainKey, CacheNames.Split(GrainKey).Name, value.Bytes, value.Tags, expiration);

    private async Task<CacheLookup> WaitAsync(Election election, TimeSpan wait)
    {
        try
        {
            var value = await election.Done.Task.WaitAsync(wait, time);
            return new CacheLookup(value, null);
        }
        catch (TimeoutException)
        {
            return new CacheLookup(null, null);
        }
    }

    private Election? Running()
    {
        if (_election is not { } election)
        {
            return null;
        }

        if (time.GetTimestamp() < election.ExpiresAt)
        {
            return election;
        }

        // The lease holder died or hangs: its waiters ask again, and one of them gets the next lease.
        End(election, null);
        return null;
    }

    private void End(Election election, CacheValue? value)
    {
        if (_election == election)
        {
            _election = null;
        }

        election.Done.TrySetResult(value);
    }

    private CacheValue? Remembered() => _last is not null && time.GetTimestamp() < _lastUntil ? _last : null;

    private void Remember(CacheValue value, TimeSpan expiration)
    {
        _last = value;
        _lastUntil = time.GetTimestamp() + Ticks(expiration < MemoryHold ? expiration : MemoryHold);
    }

    private long Ticks(TimeSpan span) => (long)(span.TotalSeconds * time.TimestampFrequency);

    private sealed class Election(Guid id, long expiresAt)
    {
        public Guid Id { get; } = id;

        public long ExpiresAt { get; } = expiresAt;

        public TaskCompletionSource<CacheValue?> Done { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);
    }
}
