using System.Diagnostics.Metrics;

namespace OrleansRedis.Grains.Sessions;

/// <summary>
/// The <c>OrleansRedis.Sessions</c> meter. Counters only, tagged with nothing that identifies a session or a user.
/// </summary>
public sealed class SessionMetrics
{
    /// <summary>The meter's name.</summary>
    public const string MeterName = "OrleansRedis.Sessions";

    private readonly Counter<long> _created;
    private readonly Counter<long> _expiredOnRead;
    private readonly Counter<long> _destroyed;
    private readonly Counter<long> _revoked;
    private readonly Counter<long> _rotated;
    private readonly Counter<long> _reads;

    public SessionMetrics(IMeterFactory meters)
    {
        var meter = meters.Create(MeterName);
        _created = meter.CreateCounter<long>("orleansredis.sessions.created", "{session}", "Sessions created.");
        _expiredOnRead = meter.CreateCounter<long>(
            "orleansredis.sessions.expired_on_read", "{session}",
            "Reads or writes that found a session ended by its idle or absolute timeout.");
        _destroyed = meter.CreateCounter<long>("orleansredis.sessions.destroyed", "{session}", "Sessions ended by destroy (logout).");
        _revoked = meter.CreateCounter<long>("orleansredis.sessions.revoked", "{session}", "Sessions ended by revoking all sessions of their user.");
        _rotated = meter.CreateCounter<long>("orleansredis.sessions.rotated", "{session}", "Sessions moved to a new id.");
        _reads = meter.CreateCounter<long>(
            "orleansredis.sessions.reads", "{read}",
            "Session reads that found the session, by source: redis (slid in Redis) or memory (within the slide resolution).");
    }

    public void Created() => _created.Add(1);

    public void ExpiredOnRead() => _expiredOnRead.Add(1);

    public void Destroyed() => _destroyed.Add(1);

    public void Revoked(int count) => _revoked.Add(count);

    public void Rotated() => _rotated.Add(1);

    public void Read(bool fromMemory) => _reads.Add(1, new KeyValuePair<string, object?>("orleansredis.session.source", fromMemory ? "memory" : "redis"));
}
