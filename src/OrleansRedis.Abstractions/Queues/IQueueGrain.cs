namespace OrleansRedis.Abstractions.Queues;

/// <summary>
/// A queue named by the grain key (declared in <c>OrleansRedis:Queues:Definitions</c>): the entry point for producers,
/// external workers and operators. A stateless router: it picks the partition of each job (from its key, else its
/// idempotency key, else any) and of each job id (the id starts with its partition), and sums partitions' figures.
/// </summary>
/// <remarks>
/// Every method throws <see cref="QueueException"/>: <see cref="QueueErrorCode.UnknownQueue"/> for an undeclared queue,
/// <see cref="QueueErrorCode.Invalid"/> (with <see cref="QueueException.Field"/>) for bad input, nothing changed;
/// <see cref="QueueErrorCode.Unavailable"/> when Redis cannot be reached in time.
/// </remarks>
[Alias("orleansredis.queue")]
public interface IQueueGrain : IGrainWithStringKey
{
    /// <summary>Enqueues one job.</summary>
    /// <returns>Its id, or the first job's id when its idempotency key matched.</returns>
    /// <exception cref="QueueException"><see cref="QueueErrorCode.QueueFull"/> with a retry-after: nothing was enqueued.</exception>
    [Alias("enqueue")]
    Task<EnqueueResult> EnqueueAsync(JobSpec job);

    /// <summary>
    /// Enqueues up to <c>Queues:MaxBulk</c> jobs in one call, one script per partition concerned. Jobs without key and
    /// idempotency key go to one partition together. A partition that cannot take its share refuses the whole bulk
    /// when the check before writing sees it (see <c>docs/queues.md</c>).
    /// </summary>
    /// <returns>One result per job, in the order given.</returns>
    /// <exception cref="QueueException"><see cref="QueueErrorCode.QueueFull"/> with a retry-after.</exception>
    [Alias("enqueue-many")]
    Task<IReadOnlyList<EnqueueResult>> EnqueueManyAsync(IReadOnlyList<JobSpec> jobs);

    /// <summary>
    /// Leases up to <paramref name="max"/> ready jobs for an external worker, waiting up to <paramref name="wait"/>
    /// (cut to <c>Queues:MaxWait</c>) when none is ready; woken by an enqueue, a retry or a delayed job coming due,
    /// never by polling. An empty list after the wait is a normal answer.
    /// </summary>
    /// <param name="worker">Who leases, for operators (1-256 characters).</param>
    /// <param name="max">Most jobs to lease (1-1000).</param>
    /// <param name="lease">Lease length (at least 1 s, at most the queue's <c>MaxLeaseTime</c>); the queue's <c>LeaseTime</c> when zero.</param>
    /// <param name="wait">Longest wait when nothing is ready; zero answers at once.</param>
    /// <param name="cancellationToken">
    /// Ends the wait. Jobs the partitions leased before they saw the cancellation are released (not counted as an
    /// attempt), but an answer already on its way when the caller cancels is lost with its leases (they run out): a
    /// caller that cancels should use <see cref="QueueLeasing.LeaseAsync"/>, which never cancels a lease call.
    /// </param>
    [Alias("lease")]
    Task<IReadOnlyList<LeasedJob>> LeaseAsync(string worker, int max, TimeSpan lease, TimeSpan wait, CancellationToken cancellationToken = default);

    /// <summary>
    /// Waits up to <paramref name="wait"/> (cut to <c>Queues:MaxWait</c>) until a partition of the queue may have ready
    /// work; answers at once when one has. Leases nothing, so cancelling it never strands a job: callers that must be
    /// able to stop at once lease with a zero wait and wait here between leases (see <see cref="QueueLeasing"/>).
    /// </summary>
    /// <returns><see langword="true"/> when there may be work to lease.</returns>
    [Alias("wait-work")]
    Task<bool> WaitForWorkAsync(TimeSpan wait, CancellationToken cancellationToken = default);

    /// <summary>Extends a lease to <paramref name="lease"/> from now (the queue's <c>LeaseTime</c> when null) and records progress.</summary>
    /// <returns>The new lease expiry (Redis's clock).</returns>
    /// <exception cref="QueueException"><see cref="QueueErrorCode.LeaseLost"/> when the token no longer holds the job.</exception>
    [Alias("heartbeat")]
    Task<DateTimeOffset> HeartbeatAsync(string jobId, string leaseToken, TimeSpan? lease = null, string? progress = null);

    /// <summary>Completes a job with an optional JSON result and releases its key to the next job of the key.</summary>
    /// <exception cref="QueueException"><see cref="QueueErrorCode.LeaseLost"/> when the token no longer holds the job.</exception>
    [Alias("complete")]
    Task CompleteAsync(string jobId, string leaseToken, string? result = null);

    /// <summary>
    /// Completes a job like <see cref="CompleteAsync"/> and, in the same call, leases up to <paramref name="max"/> ready
    /// jobs of the job's partition for <paramref name="worker"/> without waiting: a worker's freed slot takes its next
    /// job in one round trip. The lease obeys what <see cref="LeaseAsync"/> obeys (per-key order, MaxConcurrency, a
    /// paused queue); an empty list means nothing was ready there (lease through <see cref="LeaseAsync"/> then).
    /// </summary>
    /// <returns>The jobs leased (empty when <paramref name="max"/> is zero). Once the completion landed, a lease that
    /// fails answers an empty list rather than an error.</returns>
    /// <exception cref="QueueException"><see cref="QueueErrorCode.LeaseLost"/> when the token no longer holds the job:
    /// nothing was completed or leased.</exception>
    [Alias("complete-lease")]
    Task<IReadOnlyList<LeasedJob>> CompleteAndLeaseAsync(string jobId, string leaseToken, string? result, string worker, int max, TimeSpan lease);

    /// <summary>
    /// Fails an attempt: retried after exponential backoff with jitter (or after <paramref name="retryAfter"/>) while
    /// attempts remain, else dead with <paramref name="error"/> kept.
    /// </summary>
    /// <exception cref="QueueException"><see cref="QueueErrorCode.LeaseLost"/> when the token no longer holds the job.</exception>
    [Alias("fail")]
    Task<JobFailResult> FailAsync(string jobId, string leaseToken, string error, TimeSpan? retryAfter = null);

    /// <summary>
    /// Hands a leased job back unrun, for a worker that stops before it started or finished the job: the job is ready
    /// again at once, the attempt is not counted, and its key stays held by it (per-key order holds). The token is stale
    /// from now on.
    /// </summary>
    /// <exception cref="QueueException"><see cref="QueueErrorCode.LeaseLost"/> when the token no longer holds the job.</exception>
    [Alias("release")]
    Task ReleaseAsync(string jobId, string leaseToken);

    /// <summary>Reads a job; <see langword="null"/> when there is none (also for a malformed id).</summary>
    [Alias("get-job")]
    Task<JobInfo?> GetJobAsync(string jobId);

    /// <summary>
    /// Cancels a job in any unfinished state (an active job's lease is revoked: its token is refused from now on);
    /// a finished job is answered as it is. <see langword="null"/> when there is no such job.
    /// </summary>
    [Alias("cancel")]
    Task<JobInfo?> CancelAsync(string jobId);

    /// <summary>Reads the queue's figures, summed over its partitions.</summary>
    [Alias("stats")]
    Task<QueueStats> GetStatsAsync();

    /// <summary>Stops delivery (enqueues still accepted; leases in flight stay valid).</summary>
    [Alias("pause")]
    Task PauseAsync();

    /// <summary>Restarts delivery and wakes waiting workers and handlers.</summary>
    [Alias("resume")]
    Task ResumeAsync();

    /// <summary>Lists up to <paramref name="limit"/> dead jobs, most recent first.</summary>
    [Alias("dead")]
    Task<IReadOnlyList<DeadJob>> GetDeadAsync(int limit = 100);

    /// <summary>Moves a dead job back to its stream with its attempts reset; <see langword="false"/> when it is not dead.</summary>
    [Alias("retry-dead")]
    Task<bool> RetryDeadAsync(string jobId);

    /// <summary>Deletes dead jobs (all, or those dead before <paramref name="olderThanUtc"/>).</summary>
    /// <returns>How many were deleted.</returns>
    [Alias("purge-dead")]
    Task<long> PurgeDeadAsync(DateTimeOffset? olderThanUtc = null);
}
