namespace OrleansRedis.Abstractions.Queues;

/// <summary>What <see cref="IQueueJobHandler.HandleAsync"/> gets: the job, its lease, and a way to report progress.</summary>
public sealed class QueueJobContext
{
    private readonly Func<string, Task> _reportProgress;

    /// <summary>Creates a context for <paramref name="job"/>; <paramref name="reportProgress"/> records progress on its lease.</summary>
    public QueueJobContext(LeasedJob job, Func<string, Task>? reportProgress = null)
    {
        ArgumentNullException.ThrowIfNull(job);
        Job = job;
        _reportProgress = reportProgress ?? (_ => Task.CompletedTask);
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

    /// <summary>Gets the fencing token of this lease: a downstream store that remembers it can refuse a stale writer.</summary>
    public string LeaseToken => Job.LeaseToken;

    /// <summary>
    /// Gets or sets, when the handler throws, how long until the retry (instead of the queue's backoff).
    /// </summary>
    public TimeSpan? RetryAfter { get; set; }

    /// <summary>Records progress on the job (visible in its <see cref="JobInfo.Progress"/>); also extends the lease.</summary>
    public Task ReportProgressAsync(string progress) => _reportProgress(progress);
}
