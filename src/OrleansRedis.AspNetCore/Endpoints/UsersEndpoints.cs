using OrleansRedis.Abstractions.Users;
using System.Globalization;
using OrleansRedis.Grains.Users;
using OrleansRedis.AspNetCore.Errors;

namespace OrleansRedis.AspNetCore.Endpoints;

/// <summary>
/// <c>/users</c>: users of record with cache-aside reads. <c>GET</c> says where the answer came from in
/// <c>X-Cache: memory|redis|database</c> and marks a stale answer with <c>X-Cache-Stale: true</c>.
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
    /// <param name="Version">The version the caller read; the update is refused with 409 if the user has moved on.</param>
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
            .WithSummary("Creates a user (201); 409 when the id is taken.");
        group.MapGet("/{id}", GetAsync)
            .WithSummary("Reads a user through the cache: activation memory, then Redis, then the database; header X-Cache says which.");
        group.MapPut("/{id}", UpdateAsync)
            .WithSummary("Updates a user at the version the caller read; 409 when it changed since. Database first, then the cache.");
        group.MapDelete("/{id}", DeleteAsync)
            .WithSummary("Deletes a user (optionally only at ?version=N); database first, then the cache holds a tombstone.");
        return endpoints;
    }

    private static async Task<IResult> CreateAsync(CreateUserRequest body, IGrainFactory grains)
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
        return Results.Created($"/users/{Uri.EscapeDataString(id)}", UserResponse.From(created));
    }

    private static async Task<IResult> GetAsync(string id, IGrainFactory grains, HttpResponse response)
    {
        if (new FieldErrors().Check("id", UserLimits.IdError(id)).Problem() is { } invalid)
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

        response.Headers.ETag = $"\"{user.Version}\"";
        return Results.Ok(UserResponse.From(user));
    }

    private static async Task<IResult> UpdateAsync(string id, UpdateUserRequest body, IGrainFactory grains)
    {
        var invalid = new FieldErrors()
            .Check("id", UserLimits.IdError(id))
            .Check("name", UserLimits.NameError(body.Name))
            .Check("email", UserLimits.EmailError(body.Email))
            .Check("version", body.Version is null or < 1 ? "The version the user was read at (1 or more) is required." : null)
            .Problem();
        if (invalid is not null)
        {
            return invalid;
        }

        return Results.Ok(UserResponse.From(await grains.GetGrain<IUserGrain>(id).UpdateAsync(body.Name!, body.Email!, body.Version!.Value)));
    }

    // The version is bound as text so that a malformed or over-long one is a 400 naming the field, like every other.
    private static async Task<IResult> DeleteAsync(string id, string? version, IGrainFactory grains)
    {
        long? expected = null;
        var invalid = new FieldErrors()
            .Check("id", UserLimits.IdError(id))
            .Check("version", VersionError(version, ref expected))
            .Problem();
        if (invalid is not null)
        {
            return invalid;
        }

        await grains.GetGrain<IUserGrain>(id).DeleteAsync(expected);
        return Results.NoContent();
    }

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
