namespace OrleansRedis.Abstractions.Queues;

/// <summary>What <see cref="IQueueJobHandler.HandleAsync"/> gets: the job, its lease, and a way to report progress.</summary>
public sealed class QueueJobContext
{
    private readonly Func<string, Task> _reportProgress;
    private readonly Func<string>? _leaseToken;

    /// <summary>Creates a context for <paramref name="job"/>; <paramref name="reportProgress"/> records progress on its lease.</summary>
    public QueueJobContext(LeasedJob job, Func<string, Task>? reportProgress = null)
        : this(job, reportProgress, null)
    {
    }

    /// <summary>
    /// Creates a context for <paramref name="job"/>; <paramref name="reportProgress"/> records progress on its lease, and
    /// <paramref name="leaseToken"/> answers the lease's current token (a redelivery adopted by the running handler
    /// brings a new one).
    /// </summary>
    public QueueJobContext(LeasedJob job, Func<string, Task>? reportProgress, Func<string>? leaseToken)
    {
        ArgumentNullException.ThrowIfNull(job);
        Job = job;
        _reportProgress = reportProgress ?? (_ => Task.CompletedTask);
        _leaseToken = leaseToken;
    }

    /// <summary>Gets the leased job.</summary>
    public LeasedJob Job { get; }

    /// <summary>Gets the queue's name.</summary>
    public string Queue => Job.Queue;

    /// <summary>Gets the job's id: the same on every attempt, so a side effect keyed by it happens once.</summary>
    public string JobId => Job.Id;

    /// <summary>Gets the JSON payload.</summary>
    public string Payload => Job.Payload;

    /// <summary>Gets the order key, when the job has one.</summary>
    public string? Key => Job.Key;

    /// <summary>Gets this attempt's number, from 1.</summary>
    public int Attempt => Job.Attempt;

    /// <summary>
    /// Gets the current fencing token of this lease: a downstream store that remembers it can refuse a stale writer. It
    /// changes when a redelivery of the job reaches the handler still running it.
    /// </summary>
    public string LeaseToken => _leaseToken?.Invoke() ?? Job.LeaseToken;

    /// <summary>
    /// Gets or sets, when the handler throws, how long until the retry (instead of the queue's backoff).
    /// </summary>
    public TimeSpan? RetryAfter { get; set; }

    /// <summary>Records progress on the job (visible in its <see cref="JobInfo.Progress"/>); also extends the lease.</summary>
    public Task ReportProgressAsync(string progress) => _reportProgress(progress);
}
