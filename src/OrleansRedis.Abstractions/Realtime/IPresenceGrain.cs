namespace OrleansRedis.Abstractions.Realtime;

/// <summary>
/// The members of one room (grain key = room name). A member is live while it heartbeats within its TTL; one whose
/// heartbeats stop (its process or silo died) drops out when the TTL runs out, with no disconnect callback. Joins and
/// leaves are published as <c>join</c> and <c>leave</c> events on the topic <c>room:{room}</c>.
/// </summary>
[Alias("orleansredis.presence")]
public interface IPresenceGrain : IGrainWithStringKey
{
    /// <summary>Joins the room or keeps the member in it for another <paramref name="ttl"/>.</summary>
    /// <param name="member">The member's name (1-128 characters of letters, digits and <c>. _ - : @</c>).</param>
    /// <param name="ttl">How long the member stays without another heartbeat; <see langword="null"/> for <c>Realtime:PresenceTtl</c>.</param>
    /// <param name="data">A JSON text to show with the member, or <see langword="null"/>.</param>
    /// <exception cref="RealtimeException">The room, member, TTL or data is invalid.</exception>
    [Alias("heartbeat")]
    Task<PresenceHeartbeat> HeartbeatAsync(string member, TimeSpan? ttl, string? data);

    /// <summary>Leaves the room; <see langword="false"/> when the member was not in it.</summary>
    [Alias("leave")]
    Task<bool> LeaveAsync(string member);

    /// <summary>Lists the live members, dropping those whose TTL ran out (and publishing their <c>leave</c>).</summary>
    [Alias("members")]
    Task<IReadOnlyList<PresenceMember>> ListAsync();
}
