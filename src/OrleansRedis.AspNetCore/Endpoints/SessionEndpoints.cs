using System.Text.Json;
using Microsoft.AspNetCore.Http.Metadata;
using Microsoft.Extensions.Options;
using OrleansRedis.Abstractions.Sessions;
using OrleansRedis.Grains.Sessions;
using OrleansRedis.AspNetCore.Errors;

namespace OrleansRedis.AspNetCore.Endpoints;

/// <summary>
/// The session store over HTTP: <c>/sessions</c> and <c>/users/{userId}/sessions</c>. A malformed session id gets 400
/// (it can never name a session, and no grain or Redis key is touched); an unknown or ended one gets 404. Every
/// refusal is problem+json and changes nothing. Responses carry session ids or data, so they are marked
/// <c>Cache-Control: no-store</c>.
/// </summary>
public static class SessionEndpoints
{
    /// <summary>The body of <c>POST /sessions</c>.</summary>
    /// <param name="UserId">The user the session belongs to.</param>
    /// <param name="Data">The session data, a JSON object; <c>{}</c> when absent.</param>
    /// <param name="IdleTimeoutSeconds">The idle timeout; the configured default when absent.</param>
    /// <param name="AbsoluteTimeoutSeconds">The absolute timeout; the configured default when absent.</param>
    public sealed record CreateSessionRequest(string? UserId, JsonElement? Data, int? IdleTimeoutSeconds, int? AbsoluteTimeoutSeconds);

    /// <summary>The body of <c>PUT</c> and <c>PATCH /sessions/{sessionId}</c>.</summary>
    /// <param name="Data">The new data (PUT) or the fields to merge, <see langword="null"/> removing one (PATCH).</param>
    public sealed record SessionDataRequest(JsonElement? Data);

    /// <summary>A session as <c>GET /sessions/{sessionId}</c> returns it; <c>userId</c> is null for an anonymous (.NET) session.</summary>
    public sealed record SessionResponse(
        string? UserId, JsonElement Data, DateTimeOffset CreatedAtUtc, DateTimeOffset IdleExpiresAtUtc, DateTimeOffset AbsoluteExpiresAtUtc);

    /// <summary>The live sessions of a user: metadata only, never an id.</summary>
    public sealed record UserSessionsResponse(string UserId, IReadOnlyList<SessionInfo> Sessions);

    /// <summary>The answer to <c>DELETE /users/{userId}/sessions</c>.</summary>
    /// <param name="Revoked">How many live sessions were ended.</param>
    public sealed record RevokedResponse(int Revoked);

    public static IEndpointRouteBuilder MapSessionEndpoints(this IEndpointRouteBuilder endpoints)
    {
        var bodyLimit = new SessionBodyLimit(endpoints.ServiceProvider);
        var sessions = endpoints.MapGroup("/sessions").WithTags("Sessions").AddEndpointFilter(NoStore);
        sessions.MapPost("", CreateAsync).WithMetadata(bodyLimit)
            .WithSummary("Creates a session; 201 with its id (the only time the id is shown).");
        sessions.MapGet("/{sessionId}", GetAsync)
            .WithSummary("Reads a session and slides its idle timeout (never past its absolute deadline); 404 when unknown or ended.");
        sessions.MapPut("/{sessionId}", ReplaceAsync).WithMetadata(bodyLimit)
            .WithSummary("Replaces the session data (a JSON object).");
        sessions.MapPatch("/{sessionId}", MergeAsync).WithMetadata(bodyLimit)
            .WithSummary("Merges top-level fields into the session data; a null value removes a field.");
        sessions.MapDelete("/{sessionId}", DestroyAsync)
            .WithSummary("Ends the session (logout); 204 whether or not it was live.");
        sessions.MapPost("/{sessionId}/rotate", RotateAsync)
            .WithSummary("Moves the session to a new id; the old id answers 404 from then on, on every silo.");

        var users = endpoints.MapGroup("/users/{userId}/sessions").WithTags("Sessions").AddEndpointFilter(NoStore);
        users.MapGet("", ListAsync)
            .WithSummary("Lists the user's live sessions: metadata and a short handle, never an id.");
        users.MapDelete("", RevokeAllAsync)
            .WithSummary("Ends every session of the user at once, on every silo (log out everywhere).");
        return endpoints;
    }

    private static async Task<IResult> CreateAsync(CreateSessionRequest request, IGrainFactory grains, IOptions<SessionStoreOptions> options)
    {
        var invalid = new FieldErrors()
            .Check("userId", UserIdError(request.UserId))
            .Check("data", request.Data is null ? null : DataError(request.Data))
            .Check("idleTimeoutSeconds", TimeoutError(request.IdleTimeoutSeconds, options.Value.MaxIdleTimeout))
            .Check("absoluteTimeoutSeconds", TimeoutError(request.AbsoluteTimeoutSeconds, options.Value.MaxAbsoluteTimeout))
            .Problem();
        if (invalid is not null)
        {
            return invalid;
        }

        var data = request.Data?.GetRawText() ?? SessionData.Empty;
        var created = await grains.CreateSessionAsync(new SessionDraft(
            request.UserId!, data, Seconds(request.IdleTimeoutSeconds), Seconds(request.AbsoluteTimeoutSeconds)));
        return Results.Json(created, statusCode: StatusCodes.Status201Created);
    }

    private static async Task<IResult> GetAsync(string sessionId, IGrainFactory grains) =>
        new FieldErrors().Check("sessionId", SessionIdError(sessionId)).Problem()
        ?? Found(await grains.GetSession(sessionId).GetAsync());

    private static async Task<IResult> ReplaceAsync(string sessionId, SessionDataRequest request, IGrainFactory grains) =>
        new FieldErrors().Check("sessionId", SessionIdError(sessionId)).Check("data", DataError(request.Data)).Problem()
        ?? Found(await grains.GetSession(sessionId).ReplaceDataAsync(request.Data!.Value.GetRawText()));

    private static async Task<IResult> MergeAsync(string sessionId, SessionDataRequest request, IGrainFactory grains) =>
        new FieldErrors().Check("sessionId", SessionIdError(sessionId)).Check("data", DataError(request.Data)).Problem()
        ?? Found(await grains.GetSession(sessionId).MergeDataAsync(request.Data!.Value.GetRawText()));

    private static async Task<IResult> DestroyAsync(string sessionId, IGrainFactory grains)
    {
        if (new FieldErrors().Check("sessionId", SessionIdError(sessionId)).Problem() is { } invalid)
        {
            return invalid;
        }

        await grains.GetSession(sessionId).DestroyAsync();
        return Results.NoContent();
    }

    private static async Task<IResult> RotateAsync(string sessionId, IGrainFactory grains)
    {
        if (new FieldErrors().Check("sessionId", SessionIdError(sessionId)).Problem() is { } invalid)
        {
            return invalid;
        }

        return await grains.GetSession(sessionId).RotateAsync() is { } rotated ? Results.Ok(rotated) : NotFound();
    }

    private static async Task<IResult> ListAsync(string userId, IGrainFactory grains) =>
        new FieldErrors().Check("userId", UserIdError(userId)).Problem()
        ?? Results.Ok(new UserSessionsResponse(userId, await grains.GetUserSessions(userId).ListAsync()));

    private static async Task<IResult> RevokeAllAsync(string userId, IGrainFactory grains) =>
        new FieldErrors().Check("userId", UserIdError(userId)).Problem()
        ?? Results.Ok(new RevokedResponse(await grains.GetUserSessions(userId).RevokeAllAsync()));

    // Responses carry session ids or data: no cache may keep them.
    private static async ValueTask<object?> NoStore(EndpointFilterInvocationContext context, EndpointFilterDelegate next)
    {
        context.HttpContext.Response.Headers.CacheControl = "no-store";
        return await next(context);
    }

    private static TimeSpan? Seconds(int? seconds) => seconds is { } value ? TimeSpan.FromSeconds(value) : null;

    private static string? TimeoutError(int? seconds, TimeSpan max) =>
        seconds is { } value && (TimeSpan.FromSeconds(value) < SessionLimits.MinTimeout || TimeSpan.FromSeconds(value) > max)
            ? $"Must be between {SessionLimits.MinTimeout.TotalSeconds:0} and {max.TotalSeconds:0} seconds."
            : null;

    private static IResult Found(SessionSnapshot? session)
    {
        if (session is null)
        {
            return NotFound();
        }

        using var data = JsonDocument.Parse(session.Data);
        return Results.Ok(new SessionResponse(
            session.UserId, data.RootElement.Clone(), session.CreatedAtUtc, session.IdleExpiresAtUtc, session.AbsoluteExpiresAtUtc));
    }

    private static ProblemResult NotFound() => Problems.NotFound("The session does not exist, has expired or was ended.");

    private static string? SessionIdError(string sessionId) =>
        SessionIds.IsWellFormed(sessionId) ? null : $"A session id is {SessionIds.IdLength} base64url characters.";

    private static string? UserIdError(string? userId) =>
        SessionLimits.IsValidUserId(userId) ? null : $"A user id of 1-{SessionLimits.MaxUserIdLength} characters without control characters is required.";

    private static string? DataError(JsonElement? data) =>
        data is { ValueKind: JsonValueKind.Object } ? null : "The session data must be a JSON object.";

    /// <summary>
    /// Caps request bodies at a few times the data limit, so an oversized upload is cut off with 413 instead of being
    /// read in full; data between the limit and the cap gets 400 from the data check. Read lazily: mapping must not
    /// resolve options before the host has validated them.
    /// </summary>
    private sealed class SessionBodyLimit(IServiceProvider services) : IRequestSizeLimitMetadata
    {
        private long? _limit;

        public long? MaxRequestBodySize =>
            _limit ??= (services.GetRequiredService<IOptions<SessionStoreOptions>>().Value.MaxDataBytes * 4L) + 4096;
    }
}
