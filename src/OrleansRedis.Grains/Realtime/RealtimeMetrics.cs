using System.Diagnostics.Metrics;

namespace OrleansRedis.Grains.Realtime;

/// <summary>
/// The <c>OrleansRedis.Realtime</c> meter: events published, delivered and replayed, slow clients cut, resets, gaps a
/// relay filled from Redis, and the SSE connections and relays open on this silo.
/// </summary>
public sealed class RealtimeMetrics
{
    /// <summary>The meter's name; <c>/metrics</c> exports it.</summary>
    public const string MeterName = "OrleansRedis.Realtime";

    private readonly Counter<long> _published;
    private readonly Counter<long> _delivered;
    private readonly Counter<long> _replayed;
    private readonly Counter<long> _droppedSlow;
    private readonly Counter<long> _resets;
    private readonly Counter<long> _gapFills;
    private readonly UpDownCounter<long> _connections;
    private readonly UpDownCounter<long> _relays;
    private readonly Counter<long> _presenceChanges;

    public RealtimeMetrics(IMeterFactory meterFactory)
    {
        var meter = meterFactory.Create(MeterName);
        _published = meter.CreateCounter<long>("orleansredis.realtime.published", "{event}", "Events appended to a topic.");
        _delivered = meter.CreateCounter<long>("orleansredis.realtime.delivered", "{event}",
            "Events written to SSE subscribers of this silo, live or replayed.");
        _replayed = meter.CreateCounter<long>("orleansredis.realtime.replayed", "{event}",
            "Events a subscriber read from Redis history after Last-Event-ID or ?after= (part of delivered).");
        _droppedSlow = meter.CreateCounter<long>("orleansredis.realtime.dropped_slow_clients", "{connection}",
            "SSE connections cut because their buffer was full; they resume by replay.");
        _resets = meter.CreateCounter<long>("orleansredis.realtime.resets", "{connection}",
            "Subscribers told with a reset event that the history they asked for was trimmed.");
        _gapFills = meter.CreateCounter<long>("orleansredis.realtime.relay_gap_fills", "{read}",
            "Times a relay missed an announcement (Redis reconnect, lost message) and read the gap from the stream.");
        _connections = meter.CreateUpDownCounter<long>("orleansredis.realtime.connections", "{connection}",
            "Open SSE connections on this silo.");
        _relays = meter.CreateUpDownCounter<long>("orleansredis.realtime.relays", "{relay}",
            "Topics this silo relays (one per topic with subscribers here).");
        _presenceChanges = meter.CreateCounter<long>("orleansredis.realtime.presence_changes", "{change}",
            "Members that joined or left a room; tag orleansredis.presence.change=join|leave|expired.");
    }

    /// <summary>Counts a published event.</summary>
    public void Published() => _published.Add(1);

    /// <summary>Counts events delivered to one subscriber.</summary>
    public void Delivered(long count = 1) => _delivered.Add(count);

    /// <summary>Counts events replayed from history.</summary>
    public void Replayed(long count) => _replayed.Add(count);

    /// <summary>Counts a slow client cut.</summary>
    public void DroppedSlowClient() => _droppedSlow.Add(1);

    /// <summary>Counts a reset event sent.</summary>
    public void Reset() => _resets.Add(1);

    /// <summary>Counts a gap a relay filled from Redis.</summary>
    public void GapFilled() => _gapFills.Add(1);

    /// <summary>Counts an SSE connection opened (+1) or closed (-1).</summary>
    public void Connection(int delta) => _connections.Add(delta);

    /// <summary>Counts a relay started (+1) or stopped (-1).</summary>
    public void Relay(int delta) => _relays.Add(delta);

    /// <summary>Counts a presence change.</summary>
    public void PresenceChanged(string change, long count = 1) =>
        _presenceChanges.Add(count, new KeyValuePair<string, object?>("orleansredis.presence.change", change));
}
