using System.Collections.Concurrent;
using System.Diagnostics.Metrics;

namespace OrleansRedis.Grains.Queues;

/// <summary>
/// The <c>OrleansRedis.Queues</c> meter: jobs enqueued, started, completed, failed, retried and dead; wait time (ready to
/// started) and run time (started to finished) in seconds; depth per queue (unfinished jobs, as last seen by the
/// partitions active in this silo); leases cut by the queue's rate limit; job events that could not be published. Every
/// instrument is tagged <c>orleansredis.queue.name</c>.
/// </summary>
public sealed class QueueMetrics
{
    /// <summary>The meter's name; <c>/metrics</c> exports it.</summary>
    public const string MeterName = "OrleansRedis.Queues";

    private readonly Counter<long> _enqueued;
    private readonly Counter<long> _started;
    private readonly Counter<long> _completed;
    private readonly Counter<long> _failed;
    private readonly Counter<long> _retried;
    private readonly Counter<long> _dead;
    private readonly Counter<long> _rateLimited;
    private readonly Counter<long> _eventsFailed;
    private readonly Histogram<double> _waitTime;
    private readonly Histogram<double> _runTime;
    private readonly ConcurrentDictionary<(string Queue, int Partition), long> _depth = new();

    public QueueMetrics(IMeterFactory meterFactory)
    {
        var meter = meterFactory.Create(MeterName);
        _enqueued = meter.CreateCounter<long>("orleansredis.queues.enqueued", "{job}", "Jobs enqueued (deduplicated enqueues not counted).");
        _started = meter.CreateCounter<long>("orleansredis.queues.started", "{attempt}", "Attempts started (jobs leased).");
        _completed = meter.CreateCounter<long>("orleansredis.queues.completed", "{job}", "Jobs completed.");
        _failed = meter.CreateCounter<long>("orleansredis.queues.failed", "{attempt}", "Attempts failed; tag orleansredis.queue.reason=error|lease_expired.");
        _retried = meter.CreateCounter<long>("orleansredis.queues.retried", "{attempt}", "Failed attempts scheduled for another attempt.");
        _dead = meter.CreateCounter<long>("orleansredis.queues.dead", "{job}", "Jobs moved to the dead-letter list.");
        _rateLimited = meter.CreateCounter<long>("orleansredis.queues.rate_limited", "{lease}", "Leases cut short by the queue's rate limit (its jobs wait for the retry-after).");
        _eventsFailed = meter.CreateCounter<long>("orleansredis.queues.events_failed", "{event}", "Job events (job:{id}, user:{id} topics) that could not be published; the job's state change stands.");
        _waitTime = meter.CreateHistogram<double>("orleansredis.queues.wait.duration", "s", "Time from ready (enqueued or due) to started.");
        _runTime = meter.CreateHistogram<double>("orleansredis.queues.run.duration", "s", "Time from started to completed or failed; tag orleansredis.queue.outcome.");
        meter.CreateObservableGauge("orleansredis.queues.depth", ObserveDepth, "{job}", "Unfinished jobs (waiting, delayed, active) of the partitions active here.");
    }

    public void Enqueued(string queue, int count) => _enqueued.Add(count, Tag(queue));

    public void RateLimited(string queue) => _rateLimited.Add(1, Tag(queue));

    public void EventFailed(string queue, string type) => _eventsFailed.Add(1, Tag(queue), new KeyValuePair<string, object?>("orleansredis.queue.event.type", type));

    public void Started(string queue, long waitMs)
    {
        _started.Add(1, Tag(queue));
        _waitTime.Record(waitMs / 1000.0, Tag(queue));
    }

    public void Completed(string queue, long runMs)
    {
        _completed.Add(1, Tag(queue));
        _runTime.Record(runMs / 1000.0, Tag(queue), new KeyValuePair<string, object?>("orleansredis.queue.outcome", "completed"));
    }

    public void Failed(string queue, string reason, long runMs, bool dead)
    {
        _failed.Add(1, Tag(queue), new KeyValuePair<string, object?>("orleansredis.queue.reason", reason));
        if (runMs > 0)
        {
            _runTime.Record(runMs / 1000.0, Tag(queue), new KeyValuePair<string, object?>("orleansredis.queue.outcome", "failed"));
        }

        if (dead)
        {
            _dead.Add(1, Tag(queue));
        }
        else
        {
            _retried.Add(1, Tag(queue));
        }
    }

    /// <summary>Records the depth a partition last saw; <paramref name="depth"/> null when it deactivates.</summary>
    public void Depth(string queue, int partition, long? depth)
    {
        if (depth is { } value)
        {
            _depth[(queue, partition)] = value;
        }
        else
        {
            _depth.TryRemove((queue, partition), out _);
        }
    }

    private IEnumerable<Measurement<long>> ObserveDepth() =>
        _depth.GroupBy(e => e.Key.Queue).Select(g => new Measurement<long>(g.Sum(e => e.Value), Tag(g.Key)));

    private static KeyValuePair<string, object?> Tag(string queue) => new("orleansredis.queue.name", queue);
}
