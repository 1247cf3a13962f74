using System.Diagnostics.Metrics;

namespace OrleansRedis.Grains.Locks;

/// <summary>The <c>OrleansRedis.Locks</c> meter: acquisitions, contention, wait time, lost leases, refused releases.</summary>
public sealed class LockMetrics
{
    /// <summary>The meter's name; <c>/metrics</c> exports it.</summary>
    public const string MeterName = "OrleansRedis.Locks";

    // Boxed once: a bool tag value boxes on every measurement otherwise.
    private static readonly KeyValuePair<string, object?> WaitedTrue = new("orleansredis.lock.waited", true);
    private static readonly KeyValuePair<string, object?> WaitedFalse = new("orleansredis.lock.waited", false);

    private readonly Counter<long> _acquisitions;
    private readonly Counter<long> _contentionWaits;
    private readonly Histogram<double> _waitTime;
    private readonly Counter<long> _leasesLost;
    private readonly Counter<long> _releases;
    private readonly Counter<long> _releasesRefused;
    private readonly Counter<long> _extensions;

    public LockMetrics(IMeterFactory meterFactory)
    {
        var meter = meterFactory.Create(MeterName);
        _acquisitions = meter.CreateCounter<long>("orleansredis.locks.acquisitions", "{lease}",
            "Leases granted; tag orleansredis.lock.waited=true when the caller queued first.");
        _contentionWaits = meter.CreateCounter<long>("orleansredis.locks.contention_waits", "{wait}",
            "Acquire calls that found the lock held and queued.");
        _waitTime = meter.CreateHistogram<double>("orleansredis.locks.wait.duration", "s",
            "Time queued callers waited; tag orleansredis.lock.outcome=acquired|timed_out|cancelled|failed.");
        _leasesLost = meter.CreateCounter<long>("orleansredis.locks.leases_lost", "{lease}",
            "Leases lost while held; tag orleansredis.lock.reason=expired (ran out before release) or extend_refused.");
        _releases = meter.CreateCounter<long>("orleansredis.locks.releases", "{lease}", "Leases released by their holder.");
        _releasesRefused = meter.CreateCounter<long>("orleansredis.locks.releases_refused", "{call}",
            "Releases refused because the token did not hold the lock (a non-holder).");
        _extensions = meter.CreateCounter<long>("orleansredis.locks.extensions", "{call}", "Leases extended by their holder.");
    }

    /// <summary>Counts a granted lease.</summary>
    public void Acquired(bool waited) => _acquisitions.Add(1, waited ? WaitedTrue : WaitedFalse);

    /// <summary>Counts a caller that had to queue.</summary>
    public void ContentionWait() => _contentionWaits.Add(1);

    /// <summary>Records how long a queued caller waited and how it ended.</summary>
    public void Waited(TimeSpan waited, string outcome) =>
        _waitTime.Record(waited.TotalSeconds, new KeyValuePair<string, object?>("orleansredis.lock.outcome", outcome));

    /// <summary>Counts a lease lost while held.</summary>
    public void LeaseLost(string reason) => _leasesLost.Add(1, new KeyValuePair<string, object?>("orleansredis.lock.reason", reason));

    /// <summary>Counts a release by the holder.</summary>
    public void Released() => _releases.Add(1);

    /// <summary>Counts a release refused to a token that does not hold the lock.</summary>
    public void ReleaseRefused() => _releasesRefused.Add(1);

    /// <summary>Counts an extended lease.</summary>
    public void Extended() => _extensions.Add(1);
}
