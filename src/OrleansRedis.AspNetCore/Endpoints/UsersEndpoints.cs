using System.Globalization;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Net.Http.Headers;
using OrleansRedis.Abstractions.Users;
using OrleansRedis.AspNetCore.Errors;
using OrleansRedis.Grains.Users;

namespace OrleansRedis.AspNetCore.Endpoints;

/// <summary>
/// <c>/users</c>: users of record with cache-aside reads. <c>GET</c> says where the answer came from in
/// <c>X-Cache: memory|redis|database</c> and marks a stale answer with <c>X-Cache-Stale: true</c>. Every answer carrying
/// a user carries its version as a strong <c>ETag</c> (<c>"3"</c>): <c>GET</c> honours <c>If-None-Match</c> (304),
/// <c>PUT</c> and <c>DELETE</c> honour <c>If-Match</c> (412 when it does not hold) besides the version in the body or query.
/// </summary>
public static class UsersEndpoints
{
    /// <summary>The response header naming where a read was answered from.</summary>
    public const string CacheHeader = "X-Cache";

    /// <summary>The response header present (value <c>true</c>) when an expired copy was served because the database is down.</summary>
    public const string StaleHeader = "X-Cache-Stale";

    /// <summary>The body of <c>POST /users</c>.</summary>
    /// <param name="Id">The id; a new random one when omitted.</param>
    /// <param name="Name">The display name.</param>
    /// <param name="Email">The e-mail address.</param>
    public sealed record CreateUserRequest(string? Id, string? Name, string? Email);

    /// <summary>The body of <c>PUT /users/{id}</c>.</summary>
    /// <param name="Name">The new display name.</param>
    /// <param name="Email">The new e-mail address.</param>
    /// <param name="Version">
    /// The version the caller read; the update is refused with 409 if the user has moved on. Required unless the request
    /// sends <c>If-Match</c>; with both, they must agree.
    /// </param>
    public sealed record UpdateUserRequest(string? Name, string? Email, long? Version);

    /// <summary>A user as the API shows it.</summary>
    public sealed record UserResponse(string Id, string Name, string Email, long Version, DateTimeOffset UpdatedAtUtc)
    {
        /// <summary>Maps a grain record.</summary>
        public static UserResponse From(UserRecord user) => new(user.Id, user.Name, user.Email, user.Version, user.UpdatedAtUtc);
    }

    public static IEndpointRouteBuilder MapUsersEndpoints(this IEndpointRouteBuilder endpoints)
    {
        var group = endpoints.MapGroup("/users").WithTags("Users");
        group.MapPost("/", CreateAsync)
            .WithSummary("Creates a user (201 with its ETag); 409 when the id is taken.")
            .Produces<UserResponse>(StatusCodes.Status201Created).ProducesValidationProblem().ProducesProblem(StatusCodes.Status409Conflict)
            .WithMetadata(ETagHeader);
        group.MapGet("/{id}", GetAsync)
            .WithSummary("Reads a user through the cache: activation memory, then Redis, then the database; header X-Cache says which. 304 when If-None-Match lists its ETag.")
            .Produces<UserResponse>().Produces(StatusCodes.Status304NotModified).ProducesValidationProblem().ProducesProblem(StatusCodes.Status404NotFound)
            .WithMetadata(ETagHeader);
        group.MapPut("/{id}", UpdateAsync)
            .WithSummary("Updates a user at the version the caller read (If-Match or the body's version): 412 when If-Match does not hold, 409 when the body's version is stale. Database first, then the cache.")
            .Produces<UserResponse>().ProducesValidationProblem().ProducesProblem(StatusCodes.Status404NotFound)
            .ProducesProblem(StatusCodes.Status409Conflict).ProducesProblem(StatusCodes.Status412PreconditionFailed)
            .WithMetadata(ETagHeader);
        group.MapDelete("/{id}", DeleteAsync)
            .WithSummary("Deletes a user (only at the version If-Match or ?version=N names, when given; If-Match: * only if it exists); database first, then the cache holds a tombstone.")
            .Produces(StatusCodes.Status204NoContent).ProducesValidationProblem().ProducesProblem(StatusCodes.Status404NotFound)
            .ProducesProblem(StatusCodes.Status409Conflict).ProducesProblem(StatusCodes.Status412PreconditionFailed);
        return endpoints;
    }

    private static readonly ResponseHeaderMetadata ETagHeader = new(
        HeaderNames.ETag, "The user's version as a strong entity tag, e.g. \"3\".",
        [StatusCodes.Status200OK, StatusCodes.Status201Created, StatusCodes.Status304NotModified]);

    private static async Task<IResult> CreateAsync(CreateUserRequest body, IGrainFactory grains, HttpResponse response)
    {
        var id = body.Id ?? Guid.NewGuid().ToString("N");
        var invalid = new FieldErrors()
            .Check("id", UserLimits.IdError(id))
            .Check("name", UserLimits.NameError(body.Name))
            .Check("email", UserLimits.EmailError(body.Email))
            .Problem();
        if (invalid is not null)
        {
            return invalid;
        }

        var created = await grains.GetGrain<IUserGrain>(id).CreateAsync(body.Name!, body.Email!);
        response.Headers.ETag = VersionTags.Format(created.Version);
        return Results.Created($"/users/{Uri.EscapeDataString(id)}", UserResponse.From(created));
    }

    private static async Task<IResult> GetAsync(
        string id, [FromHeader(Name = "If-None-Match")] string? ifNoneMatch, IGrainFactory grains, HttpResponse response)
    {
        var invalid = new FieldErrors()
            .Check("id", UserLimits.IdError(id))
            .Check(HeaderNames.IfNoneMatch, VersionTags.Error(HeaderNames.IfNoneMatch, ifNoneMatch, out var unless))
            .Problem();
        if (invalid is not null)
        {
            return invalid;
        }

        var read = await grains.GetGrain<IUserGrain>(id).GetAsync();
        response.Headers[CacheHeader] = UsersMetrics.SourceName(read.Source);
        if (read.Stale)
        {
            response.Headers[StaleHeader] = "true";
        }

        if (read.User is not { } user)
        {
            return Problems.NotFound($"User '{id}' does not exist.");
        }

        // RFC 9110 §13.1.2: If-None-Match compares weakly, and * matches any user that exists.
        response.Headers.ETag = VersionTags.Format(user.Version);
        return unless?.MatchesWeakly(user.Version) == true
            ? Results.StatusCode(StatusCodes.Status304NotModified)
            : Results.Ok(UserResponse.From(user));
    }

    private static async Task<IResult> UpdateAsync(
        string id, UpdateUserRequest body, [FromHeader(Name = "If-Match")] string? ifMatch, IGrainFactory grains, HttpResponse response)
    {
        var invalid = new FieldErrors()
            .Check("id", UserLimits.IdError(id))
            .Check("name", UserLimits.NameError(body.Name))
            .Check("email", UserLimits.EmailError(body.Email))
            .Check(HeaderNames.IfMatch, VersionTags.Error(HeaderNames.IfMatch, ifMatch, out var condition))
            .Check("version", body.Version switch
            {
                null when ifMatch is null => "The version the user was read at (1 or more) is required, in the body or as If-Match.",
                < 1 => "The version must be 1 or more.",
                _ => AgreementError(body.Version, condition),
            })
            .Problem();
        if (invalid is not null)
        {
            return invalid;
        }

        var grain = grains.GetGrain<IUserGrain>(id);
        async Task<IResult> UpdateAtAsync(long? expected)
        {
            var updated = await grain.UpdateAsync(body.Name!, body.Email!, expected!.Value);
            response.Headers.ETag = VersionTags.Format(updated.Version);
            return Results.Ok(UserResponse.From(updated));
        }

        return condition is null
            ? await UpdateAtAsync(body.Version)
            : await UnderIfMatchAsync(grain, id, condition, body.Version, versionNeeded: true, UpdateAtAsync);
    }

    // The version is bound as text so that a malformed or over-long one is a 400 naming the field, like every other.
    private static async Task<IResult> DeleteAsync(
        string id, string? version, [FromHeader(Name = "If-Match")] string? ifMatch, IGrainFactory grains)
    {
        long? expected = null;
        var invalid = new FieldErrors()
            .Check("id", UserLimits.IdError(id))
            .Check("version", VersionError(version, ref expected))
            .Check(HeaderNames.IfMatch, VersionTags.Error(HeaderNames.IfMatch, ifMatch, out var condition))
            .Check("version", AgreementError(expected, condition))
            .Problem();
        if (invalid is not null)
        {
            return invalid;
        }

        var grain = grains.GetGrain<IUserGrain>(id);
        async Task<IResult> DeleteAtAsync(long? at)
        {
            await grain.DeleteAsync(at);
            return Results.NoContent();
        }

        return condition is null
            ? await DeleteAtAsync(expected)
            : await UnderIfMatchAsync(grain, id, condition, expected, versionNeeded: false, DeleteAtAsync);
    }

    /// <summary>
    /// Runs a write under <c>If-Match</c>: at the version the request states (body or query, which agrees with the
    /// header), else at the header's single strong tag, else (several tags, or <c>*</c> where the write needs a
    /// version) at the current version once it is seen to meet the header. The grain's own version check then makes
    /// it atomic: a user that is gone, or has moved on to a version the header does not list, is a 412. With
    /// <c>*</c> only a missing user is a 412; a stated version that is stale stays the 409 of the body's contract.
    /// </summary>
    private static async Task<IResult> UnderIfMatchAsync(
        IUserGrain grain, string id, VersionTags condition, long? stated, bool versionNeeded, Func<long?, Task<IResult>> write)
    {
        var expected = stated;
        if (expected is { } version && !condition.MatchesStrongly(version))
        {
            return Problems.PreconditionFailed($"If-Match lists version {version} only as a weak tag; a write needs a strong one.");
        }

        if (expected is null && (versionNeeded || !condition.Any))
        {
            expected = condition.SingleStrongVersion;
            if (expected is null)
            {
                if ((await grain.GetAsync()).User is not { } current)
                {
                    return Missing(id);
                }

                if (!condition.MatchesStrongly(current.Version))
                {
                    return Moved(id, current.Version);
                }

                expected = current.Version;
            }
        }

        try
        {
            return await write(expected);
        }
        catch (UserException e) when (e.Code == UserErrorCode.NotFound || (e.Code == UserErrorCode.VersionConflict && !condition.Any))
        {
            return e.Code == UserErrorCode.NotFound ? Missing(id) : Moved(id, e.CurrentVersion);
        }
    }

    private static ProblemResult Missing(string id) =>
        Problems.PreconditionFailed($"User '{id}' does not exist, so If-Match does not hold.");

    private static ProblemResult Moved(string id, long? current) =>
        Problems.PreconditionFailed($"User '{id}' is at version {current}, which If-Match does not list as a strong tag.", current);

    // RFC 9110 compares If-Match strongly; agreement only asks that the stated version be one the header names.
    private static string? AgreementError(long? stated, VersionTags? condition) =>
        stated is { } version && condition is not null && !condition.MatchesWeakly(version)
            ? $"The version ({version}) must be one that If-Match lists when both are sent."
            : null;

    private static string? VersionError(string? text, ref long? version)
    {
        // Absent or empty (?version=): delete whatever the version, as when the parameter was bound as a number.
        if (string.IsNullOrEmpty(text))
        {
            return null;
        }

        if (text.Length <= 19 && long.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var parsed) && parsed >= 1)
        {
            version = parsed;
            return null;
        }

        return "The version must be a whole number, 1 or more.";
    }
}
