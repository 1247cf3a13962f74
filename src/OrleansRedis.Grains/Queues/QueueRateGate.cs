using OrleansRedis.Grains.RateLimiting;
using OrleansRedis.Redis.RateLimiting;
using StackExchange.Redis;

namespace OrleansRedis.Grains.Queues;

/// <summary>
/// A queue's <see cref="QueueDefinition.RateLimitPolicy"/> applied at dispatch: one unit of the policy per leased job,
/// on the key <c>queue:{name}</c> of the rate-limit store, so every partition on every silo draws from one window. A
/// lease first peeks at the units left and leases at most that many; the jobs then take their units, and any job a
/// concurrent lease elsewhere left without a unit is released (ready again, its attempt not counted).
/// </summary>
internal sealed class QueueRateGate(RateLimitStore store, RateLimitPolicy policy, string queue)
{
    private readonly RedisKey _key = store.KeyFor(policy.Name, "queue:" + queue, policy.Algorithm);

    /// <summary>Gets the policy.</summary>
    public RateLimitPolicy Policy => policy;

    /// <summary>How many jobs may start now (at most <paramref name="max"/>), and when one may when none can.</summary>
    public async Task<(int Allowed, TimeSpan RetryAfter)> PeekAsync(int max)
    {
        var batch = await store.CheckAsync(_key, policy.Algorithm, policy.Limit, policy.Window, [0]).ConfigureAwait(false);
        var left = (int)Math.Min(max, Math.Max(0, batch.Remaining));
        return (left, left > 0 ? TimeSpan.Zero : Max(batch.NextAvailable, TimeSpan.FromMilliseconds(1)));
    }

    /// <summary>Takes one unit per job, in order; answers how many got one, and when the next unit frees up.</summary>
    public async Task<(int Admitted, TimeSpan RetryAfter)> TakeAsync(int jobs)
    {
        var costs = new int[jobs];
        Array.Fill(costs, 1);
        var batch = await store.CheckAsync(_key, policy.Algorithm, policy.Limit, policy.Window, costs).ConfigureAwait(false);
        var admitted = 0;
        while (admitted < jobs && batch.Verdicts[admitted].Allowed)
        {
            admitted++;
        }

        return (admitted, Max(batch.NextAvailable, TimeSpan.FromMilliseconds(1)));
    }

    private static TimeSpan Max(TimeSpan a, TimeSpan b) => a > b ? a : b;
}
