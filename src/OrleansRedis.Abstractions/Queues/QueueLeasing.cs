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

    /// <summary>
    /// The lease loop over a queue's partitions, the one both the queue's router and the client worker run: asks every
    /// partition at once for its share of <paramref name="max"/> (the shares differ by one at most, the larger ones from
    /// <paramref name="start"/> on), then the partitions that filled their share, in turn from <paramref name="start"/>,
    /// for what the others lacked, all without waiting. A worker's slots keep leasing from the partition of their last
    /// job, so the shares are how its slots spread over the partitions: taken all from the first partition with jobs
    /// enough, they would serve its keys alone while it has any ready, one call at a time. A partition whose call fails
    /// while others leased jobs is left out of this answer (those jobs are answered); when every call failed or none
    /// leased, the failure is thrown. When none
    /// had any, waits on all of them at once with a lease that answers the jobs themselves
    /// (<see cref="IQueuePartitionGrain.LeaseOrWaitAsync"/>), so a job enqueued meanwhile is handed over in the answer to
    /// the wait rather than in a second call. The first answer with jobs ends the other waits
    /// (<see cref="IQueuePartitionGrain.EndWaitAsync"/>, never a cancelled call, whose answer would be dropped with its
    /// leases); one that leased jobs all the same (two partitions woke together) hands them back. Cancelling
    /// <paramref name="cancellationToken"/> ends the waits the same way; jobs leased by then are answered all the same:
    /// the caller hands them back.
    /// </summary>
    /// <param name="partition">The partition grain of a partition number.</param>
    /// <param name="partitions">The queue's partition count.</param>
    /// <param name="start">The partition tried first (callers rotate it, so that no partition is always last).</param>
    /// <param name="worker">The worker's name.</param>
    /// <param name="max">The most jobs to lease.</param>
    /// <param name="lease">The lease length.</param>
    /// <param name="wait">How long to wait when no job is ready.</param>
    /// <param name="time">The clock of the wait.</param>
    /// <param name="cancellationToken">Ends the wait.</param>
    // No ConfigureAwait(false): the router grain runs this loop on its own scheduler (grains never leave it); the
    // worker's host has no synchronization context, so there it changes nothing.
    public static async Task<IReadOnlyList<LeasedJob>> LeaseFromPartitionsAsync(
        Func<int, IQueuePartitionGrain> partition, int partitions, int start, string worker, int max, TimeSpan lease, TimeSpan wait,
        TimeProvider time, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(partition);
        ArgumentNullException.ThrowIfNull(time);
        var started = time.GetTimestamp();
        var asked = new List<(int Partition, int Share)>(partitions);
        for (var i = 0; i < partitions && i < max; i++)
        {
            asked.Add(((start + i) % partitions, max / partitions + (i < max % partitions ? 1 : 0)));
        }

        var calls = asked.Select(a => partition(a.Partition).LeaseAsync(worker, a.Share, lease, TimeSpan.Zero)).ToArray();
        try
        {
            await Task.WhenAll(calls);
        }
        catch (Exception) when (calls.Any(c => c.IsCompletedSuccessfully && c.Result.Count > 0))
        {
            // One partition failing (its silo died, its Redis timed out) must not strand the jobs the others leased: they
            // are answered, and the failed partition is asked again at the next lease.
        }

        var leased = calls.Where(c => c.IsCompletedSuccessfully).SelectMany(c => c.Result).ToList();
        for (var i = 0; i < asked.Count && leased.Count < max; i++)
        {
            if (calls[i].IsCompletedSuccessfully && calls[i].Result.Count >= asked[i].Share)
            {
                try
                {
                    leased.AddRange(await partition(asked[i].Partition).LeaseAsync(worker, max - leased.Count, lease, TimeSpan.Zero));
                }
                catch (Exception) when (leased.Count > 0)
                {
                    // The same for a call that makes up a share: what is leased already is answered.
                    break;
                }
            }
        }

        var left = wait - time.GetElapsedTime(started);
        if (leased.Count > 0 || left <= TimeSpan.Zero || cancellationToken.IsCancellationRequested)
        {
            return leased;
        }

        return await LeaseOrWaitAllAsync(partition, partitions, worker, max, lease, left, cancellationToken);
    }

    // One wait on every partition; the first answer with jobs wins, the other waits are ended and what they leased
    // meanwhile is released. A wait that fails (its silo is gone) ends the others and fails the whole wait.
    private static async Task<IReadOnlyList<LeasedJob>> LeaseOrWaitAllAsync(
        Func<int, IQueuePartitionGrain> partition, int partitions, string worker, int max, TimeSpan lease, TimeSpan wait,
        CancellationToken cancellationToken)
    {
        var waitId = Guid.NewGuid();
        var waits = new Task<IReadOnlyList<LeasedJob>>[partitions];
        for (var p = 0; p < partitions; p++)
        {
            waits[p] = partition(p).LeaseOrWaitAsync(worker, max, lease, wait, waitId);
        }

        var pending = new List<Task<IReadOnlyList<LeasedJob>>>(waits);
        void EndPending()
        {
            foreach (var left in pending)
            {
                var p = Array.IndexOf(waits, left);
                _ = EndAndReleaseAsync(partition(p), waitId, left);
            }

            pending.Clear();
        }

        IReadOnlyList<LeasedJob> answer = [];
        try
        {
            using var stop = cancellationToken.Register(() =>
            {
                for (var p = 0; p < partitions; p++)
                {
                    _ = EndQuietlyAsync(partition(p), waitId);
                }
            });
            while (pending.Count > 0)
            {
                var first = await Task.WhenAny(pending);
                pending.Remove(first);
                answer = await first;
                if (answer.Count > 0)
                {
                    break;
                }
            }
        }
        finally
        {
            EndPending();
        }

        return answer;
    }

    // Ends a wait whose answer is no longer wanted; jobs it leased before the end arrived go back at once, unrun.
    private static async Task EndAndReleaseAsync(IQueuePartitionGrain partition, Guid waitId, Task<IReadOnlyList<LeasedJob>> wait)
    {
        await EndQuietlyAsync(partition, waitId);
        try
        {
            foreach (var job in await wait)
            {
                try
                {
                    await partition.ReleaseAsync(job.Id, job.LeaseToken);
                }
                catch (Exception)
                {
                    // The lease runs out and the job is delivered again.
                }
            }
        }
        catch (Exception)
        {
            // The wait failed: it leased nothing the caller will see, and the partition releases what a lost call leased
            // when its lease runs out.
        }
    }

    private static async Task EndQuietlyAsync(IQueuePartitionGrain partition, Guid waitId)
    {
        try
        {
            await partition.EndWaitAsync(waitId);
        }
        catch (Exception)
        {
            // One-way: a partition that cannot be reached ends its wait at its bound.
        }
    }

    /// <summary>
    /// Waits on every partition at once (<see cref="IQueuePartitionGrain.WaitForWorkAsync"/>); answers the first that has
    /// work, or <see langword="null"/> when none had any in time or <paramref name="cancellationToken"/> ended the wait;
    /// the other waits are cancelled.
    /// </summary>
    public static async Task<int?> WaitAnyAsync(Func<int, IQueuePartitionGrain> partition, int partitions, TimeSpan wait, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(partition);
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        var waits = new List<Task<bool>>(partitions);
        for (var p = 0; p < partitions; p++)
        {
            waits.Add(partition(p).WaitForWorkAsync(wait, stop.Token));
        }

        var pending = waits.ToList();
        int? woken = null;
        try
        {
            while (pending.Count > 0 && woken is null)
            {
                var first = await Task.WhenAny(pending);
                pending.Remove(first);
                woken = await first ? waits.IndexOf(first) : null;
            }
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            return null;
        }
        finally
        {
            await stop.CancelAsync();
            foreach (var left in pending)
            {
                _ = left.ContinueWith(static t => _ = t.Exception, CancellationToken.None, TaskContinuationOptions.OnlyOnFaulted, TaskScheduler.Default);
            }
        }

        return woken;
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
