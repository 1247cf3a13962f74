using System.Text.Json;
using Microsoft.Extensions.Options;
using OrleansRedis.Abstractions.Realtime;
using OrleansRedis.Grains.Realtime;
using OrleansRedis.AspNetCore.Errors;

namespace OrleansRedis.AspNetCore.Endpoints;

/// <summary>
/// <c>/rooms/{room}/members</c>: presence. A member heartbeats with <c>PUT</c> (joining the first time) and stays
/// while it does so within its TTL; <c>DELETE</c> leaves; <c>GET</c> lists the live members. Joins and leaves are
/// events on the topic <c>room:{room}</c>.
/// </summary>
public static class RoomsEndpoints
{
    /// <summary>The body of <c>PUT /rooms/{room}/members/{member}</c> (optional).</summary>
    /// <param name="TtlSeconds">How long the member stays without another heartbeat; <c>Realtime:PresenceTtl</c> when absent.</param>
    /// <param name="Data">Any JSON value to show with the member (at most <c>Realtime:MaxPresenceDataBytes</c>).</param>
    public sealed record HeartbeatRequest(int? TtlSeconds, JsonElement? Data);

    /// <summary>The answer to a heartbeat.</summary>
    /// <param name="Joined">Whether the member was not in the room before (a <c>join</c> event was published).</param>
    /// <param name="ExpiresAtUtc">When the member drops out without another heartbeat.</param>
    public sealed record HeartbeatResponse(bool Joined, DateTimeOffset ExpiresAtUtc);

    /// <summary>A live member.</summary>
    public sealed record MemberResponse(string Member, JsonElement? Data, DateTimeOffset ExpiresAtUtc);

    /// <summary>The live members of a room.</summary>
    public sealed record MembersResponse(string Room, IReadOnlyList<MemberResponse> Members);

    public static IEndpointRouteBuilder MapRoomsEndpoints(this IEndpointRouteBuilder endpoints)
    {
        var rooms = endpoints.MapGroup("/rooms/{room}/members").WithTags("Realtime")
            .RequireCors(policy => policy.AllowAnyOrigin().AllowAnyHeader().AllowAnyMethod());
        rooms.MapPut("/{member}", HeartbeatAsync)
            .WithSummary("Joins or stays in a room for ttlSeconds; the first heartbeat publishes a join event on room:{room}.")
            .Produces<HeartbeatResponse>().ProducesValidationProblem();
        rooms.MapDelete("/{member}", LeaveAsync)
            .WithSummary("Leaves a room (publishes a leave event); 404 when the member is not in it.")
            .Produces(StatusCodes.Status204NoContent).ProducesProblem(StatusCodes.Status404NotFound).ProducesValidationProblem();
        rooms.MapGet("", ListAsync)
            .WithSummary("Lists the live members of a room; 404 when it has none.")
            .Produces<MembersResponse>().ProducesProblem(StatusCodes.Status404NotFound).ProducesValidationProblem();
        return endpoints;
    }

    private static async Task<IResult> HeartbeatAsync(
        string room, string member, HeartbeatRequest? body, IGrainFactory grains, IOptions<RealtimeOptions> options)
    {
        var value = options.Value;
        var maxTtl = (long)value.MaxPresenceTtl.TotalSeconds;
        var data = body?.Data is { ValueKind: not JsonValueKind.Undefined } element ? element.GetRawText() : null;
        var invalid = new FieldErrors()
            .Check("room", NameError(room, "room"))
            .Check("member", NameError(member, "member"))
            .Check("ttlSeconds", body?.TtlSeconds is not { } asked || (asked >= 1 && asked <= maxTtl)
                ? null
                : $"ttlSeconds must be between 1 and {maxTtl} (OrleansRedis:Realtime:MaxPresenceTtl).")
            .Check("data", data is null ? null : TopicsEndpoints.DataError(data, value.MaxPresenceDataBytes))
            .Problem();
        if (invalid is not null)
        {
            return invalid;
        }

        TimeSpan? ttl = body?.TtlSeconds is { } seconds ? TimeSpan.FromSeconds(seconds) : null;
        var beat = await grains.GetGrain<IPresenceGrain>(room).HeartbeatAsync(member, ttl, data);
        return TypedResults.Ok(new HeartbeatResponse(beat.Joined, beat.ExpiresAtUtc));
    }

    private static async Task<IResult> LeaveAsync(string room, string member, IGrainFactory grains)
    {
        if (new FieldErrors().Check("room", NameError(room, "room")).Check("member", NameError(member, "member")).Problem() is { } invalid)
        {
            return invalid;
        }

        return await grains.GetGrain<IPresenceGrain>(room).LeaveAsync(member)
            ? Results.NoContent()
            : Problems.NotFound($"Member '{member}' is not in room '{room}' (it left, or its TTL ran out).");
    }

    private static async Task<IResult> ListAsync(string room, IGrainFactory grains)
    {
        if (new FieldErrors().Check("room", NameError(room, "room")).Problem() is { } invalid)
        {
            return invalid;
        }

        var members = await grains.GetGrain<IPresenceGrain>(room).ListAsync();
        if (members.Count == 0)
        {
            return Problems.NotFound($"Room '{room}' has no live members.");
        }

        return TypedResults.Ok(new MembersResponse(room, [.. members.Select(m => new MemberResponse(
            m.Member, m.Data is null ? null : JsonSerializer.Deserialize<JsonElement>(m.Data), m.ExpiresAtUtc))]));
    }

    private static string? NameError(string name, string what) => RealtimeLimits.IsValidRoomName(name)
        ? null
        : $"A {what} name of 1-{RealtimeLimits.MaxRoomLength} letters, digits or . _ - : @ is required.";
}
