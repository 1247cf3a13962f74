namespace OrleansRedis.Abstractions.Queues;

/// <summary>Long-poll leasing that can be cancelled without stranding leased jobs.</summary>
public static class QueueLeasing
{
    /// <summary>
    /// Leases up to <paramref name="max"/> jobs, waiting up to <paramref name="wait"/> when none is ready, like
    /// <see cref="IQueueGrain.LeaseAsync"/>; but only the waits (<see cref="IQueueGrain.WaitForWorkAsync"/>) see
    /// <paramref name="cancellationToken"/>, never a call that leases, so an answer is never dropped with its leases.
    /// Jobs leased when the token is found cancelled are released (not counted as an attempt) and nothing is answered.
    /// </summary>
    public static async Task<IReadOnlyList<LeasedJob>> LeaseAsync(
        this IQueueGrain queue, string worker, int max, TimeSpan lease, TimeSpan wait, TimeProvider time, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(queue);
        ArgumentNullException.ThrowIfNull(time);
        var started = time.GetTimestamp();
        while (true)
        {
            var jobs = await queue.LeaseAsync(worker, max, lease, TimeSpan.Zero, CancellationToken.None).ConfigureAwait(false);
            if (jobs.Count > 0 && cancellationToken.IsCancellationRequested)
            {
                await ReleaseAllAsync(queue, jobs).ConfigureAwait(false);
                return [];
            }

            var left = wait - time.GetElapsedTime(started);
            if (jobs.Count > 0 || left <= TimeSpan.Zero || cancellationToken.IsCancellationRequested)
            {
                return jobs;
            }

            try
            {
                if (!await queue.WaitForWorkAsync(left, cancellationToken).ConfigureAwait(false))
                {
                    return [];
                }
            }
            catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
            {
                return [];
            }
        }
    }

    /// <summary>Releases leased jobs (best effort: a job whose release fails waits out its lease).</summary>
    public static Task ReleaseAllAsync(IQueueGrain queue, IReadOnlyList<LeasedJob> jobs)
    {
        ArgumentNullException.ThrowIfNull(queue);
        return Task.WhenAll(jobs.Select(async job =>
        {
            try
            {
                await queue.ReleaseAsync(job.Id, job.LeaseToken).ConfigureAwait(false);
            }
            catch (Exception)
            {
                // The lease runs out and the job is delivered again.
            }
        }));
    }
}
