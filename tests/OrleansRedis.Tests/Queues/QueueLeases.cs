using OrleansRedis.Abstractions.Queues;
using OrleansRedis.Testing;

namespace OrleansRedis.Tests.Queues;

/// <summary>Leasing one wanted job in the queue tests.</summary>
internal static class QueueLeases
{
    /// <summary>
    /// Leases the job <paramref name="id"/> within 30 s. Other jobs leased on the way (left by earlier tests) are
    /// completed; tests lease each job they need right after enqueuing it, so no job of the test itself is among them,
    /// except <paramref name="unexpected"/>, whose lease fails the test.
    /// </summary>
    public static async Task<LeasedJob> LeaseOneAsync(IQueueGrain queue, string id, string? unexpected = null, TimeSpan? lease = null)
    {
        var seen = false;
        var leased = await Eventually.SucceedsAsync(
            async () =>
            {
                LeasedJob? wanted = null;
                foreach (var job in await queue.LeaseAsync("test", 100, lease ?? TimeSpan.FromSeconds(60), TimeSpan.FromSeconds(2)))
                {
                    seen |= job.Id == unexpected;
                    if (job.Id == id)
                    {
                        wanted = job;
                    }
                    else
                    {
                        await queue.CompleteAsync(job.Id, job.LeaseToken);
                    }
                }

                return wanted ?? throw new InvalidOperationException($"job {id} not leased yet");
            },
            TimeSpan.FromSeconds(30),
            $"job {id} leased");
        Assert.False(seen, $"job {unexpected} was leased too early");
        return leased;
    }
}
