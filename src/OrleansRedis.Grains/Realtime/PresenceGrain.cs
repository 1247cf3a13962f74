using System.Text.Json;
using Microsoft.Extensions.Options;
using OrleansRedis.Abstractions.Realtime;
using OrleansRedis.Redis.Realtime;
using OrleansRedis.Abstractions.Diagnostics;

namespace OrleansRedis.Grains.Realtime;

/// <summary>
/// One room; see <see cref="IPresenceGrain"/>. Redis holds the members and their expiries (<see cref="PresenceStore"/>),
/// and every script drops the expired ones first, so listing is right whoever asks. The grain adds the events: a
/// <c>join</c> when a heartbeat finds the member new, a <c>leave</c> when it leaves or its TTL runs out, which a
/// one-shot timer set at the earliest expiry notices without any callback from the member's process or silo.
/// </summary>
[GrainType("presence")]
public sealed class PresenceGrain(PresenceStore store, IOptions<RealtimeOptions> options, RealtimeMetrics metrics) : Grain, IPresenceGrain
{
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    // Redis ms → timer delay: a little after the expiry, so the sweep finds the member already expired.
    private static readonly TimeSpan ExpiryMargin = TimeSpan.FromMilliseconds(20);

    private IGrainTimer? _expiryTimer;

    private string Room => this.GetPrimaryKeyString();

    /// <inheritdoc />
    public Task<PresenceHeartbeat> HeartbeatAsync(string member, TimeSpan? ttl, string? data) =>
        OrleansRedisActivitySources.Run(RealtimeTracing.Start("presence.heartbeat"), HeartbeatCoreAsync(member, ttl, data));

    private async Task<PresenceHeartbeat> HeartbeatCoreAsync(string member, TimeSpan? ttl, string? data)
    {
        EnsureRoom();
        EnsureMember(member);
        var value = options.Value;
        var span = ttl ?? value.PresenceTtl;
        if (span < TimeSpan.FromSeconds(1) || span > value.MaxPresenceTtl)
        {
            throw new RealtimeException(
                RealtimeErrorCode.InvalidTtl, $"ttlSeconds must be between 1 and {(long)value.MaxPresenceTtl.TotalSeconds} (OrleansRedis:Realtime:MaxPresenceTtl).");
        }

        if (data is not null)
        {
            TopicGrain.EnsureJson(data, value.MaxPresenceDataBytes);
        }

        var ttlMs = (long)span.TotalMilliseconds;
        var change = await store.HeartbeatAsync(Room, member, ttlMs, data);
        await PublishLeftAsync(change.Left, "expired");
        if (change.Flag)
        {
            metrics.PresenceChanged("join");
            await PublishAsync("join", new { member, data = data is null ? (JsonElement?)null : JsonSerializer.Deserialize<JsonElement>(data) });
        }

        Schedule(change);
        return new PresenceHeartbeat(change.Flag, DateTimeOffset.FromUnixTimeMilliseconds(change.NowMs + ttlMs));
    }

    /// <inheritdoc />
    public Task<bool> LeaveAsync(string member) =>
        OrleansRedisActivitySources.Run(RealtimeTracing.Start("presence.leave"), LeaveCoreAsync(member));

    private async Task<bool> LeaveCoreAsync(string member)
    {
        EnsureRoom();
        EnsureMember(member);
        var change = await store.LeaveAsync(Room, member);
        await PublishLeftAsync(change.Left, "expired");
        if (change.Flag)
        {
            metrics.PresenceChanged("leave");
            await PublishAsync("leave", new { member, reason = "left" });
        }

        Schedule(change);
        return change.Flag;
    }

    /// <inheritdoc />
    public async Task<IReadOnlyList<PresenceMember>> ListAsync()
    {
        EnsureRoom();
        var (members, change) = await store.ListAsync(Room);
        await PublishLeftAsync(change.Left, "expired");
        Schedule(change);
        return [.. members.Select(m => new PresenceMember(m.Member, m.Data, DateTimeOffset.FromUnixTimeMilliseconds(m.ExpiresMs)))];
    }

    private async Task SweepAsync()
    {
        _expiryTimer?.Dispose();
        _expiryTimer = null;
        await ListAsync();
    }

    private void Schedule(PresenceChange change)
    {
        _expiryTimer?.Dispose();
        _expiryTimer = null;
        if (change.NextExpiryMs is not { } next)
        {
            return;
        }

        var due = TimeSpan.FromMilliseconds(Math.Max(0, next - change.NowMs)) + ExpiryMargin;

        // Kept alive while members remain: an idle room must still announce the leave of a member that stops.
        _expiryTimer = this.RegisterGrainTimer(
            static (grain, _) => grain.SweepAsync(), this,
            new GrainTimerCreationOptions(due, Timeout.InfiniteTimeSpan) { KeepAlive = true });
    }

    private async Task PublishLeftAsync(IEnumerable<string> members, string reason)
    {
        foreach (var member in members)
        {
            metrics.PresenceChanged(reason);
            await PublishAsync("leave", new { member, reason });
        }
    }

    private Task<string> PublishAsync(string type, object data) =>
        GrainFactory.GetGrain<ITopicGrain>(RealtimeLimits.RoomTopic(Room)).PublishAsync(type, JsonSerializer.Serialize(data, Json));

    private void EnsureRoom()
    {
        if (!RealtimeLimits.IsValidRoomName(Room))
        {
            throw new RealtimeException(
                RealtimeErrorCode.InvalidRoom, $"A room name of 1-{RealtimeLimits.MaxRoomLength} letters, digits or . _ - : @ is required.");
        }
    }

    private static void EnsureMember(string member)
    {
        if (!RealtimeLimits.IsValidRoomName(member))
        {
            throw new RealtimeException(
                RealtimeErrorCode.InvalidMember, $"A member name of 1-{RealtimeLimits.MaxRoomLength} letters, digits or . _ - : @ is required.");
        }
    }
}
