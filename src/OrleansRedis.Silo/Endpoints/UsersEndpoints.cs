using OrleansRedis.Abstractions.Users;
using OrleansRedis.Grains.Users;

namespace OrleansRedis.Silo.Endpoints;

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
        var errors = Errors(("id", UserLimits.IdError(id)), ("name", UserLimits.NameError(body.Name)), ("email", UserLimits.EmailError(body.Email)));
        if (errors is not null)
        {
            return errors;
        }

        return await HandleAsync(async () =>
        {
            var created = await grains.GetGrain<IUserGrain>(id).CreateAsync(body.Name!, body.Email!);
            return Results.Created($"/users/{Uri.EscapeDataString(id)}", UserResponse.From(created));
        });
    }

    private static async Task<IResult> GetAsync(string id, IGrainFactory grains, HttpResponse response)
    {
        if (Errors(("id", UserLimits.IdError(id))) is { } errors)
        {
            return errors;
        }

        return await HandleAsync(async () =>
        {
            var read = await grains.GetGrain<IUserGrain>(id).GetAsync();
            response.Headers[CacheHeader] = UsersMetrics.SourceName(read.Source);
            if (read.Stale)
            {
                response.Headers[StaleHeader] = "true";
            }

            if (read.User is not { } user)
            {
                return Results.Problem(statusCode: StatusCodes.Status404NotFound, title: "No such user.", detail: $"User '{id}' does not exist.");
            }

            response.Headers.ETag = $"\"{user.Version}\"";
            return Results.Ok(UserResponse.From(user));
        });
    }

    private static async Task<IResult> UpdateAsync(string id, UpdateUserRequest body, IGrainFactory grains)
    {
        var errors = Errors(
            ("id", UserLimits.IdError(id)),
            ("name", UserLimits.NameError(body.Name)),
            ("email", UserLimits.EmailError(body.Email)),
            ("version", body.Version is null or < 1 ? "The version the user was read at (1 or more) is required." : null));
        if (errors is not null)
        {
            return errors;
        }

        return await HandleAsync(async () =>
            Results.Ok(UserResponse.From(await grains.GetGrain<IUserGrain>(id).UpdateAsync(body.Name!, body.Email!, body.Version!.Value))));
    }

    private static async Task<IResult> DeleteAsync(string id, long? version, IGrainFactory grains)
    {
        var errors = Errors(("id", UserLimits.IdError(id)), ("version", version is < 1 ? "The version must be 1 or more." : null));
        if (errors is not null)
        {
            return errors;
        }

        return await HandleAsync(async () =>
        {
            await grains.GetGrain<IUserGrain>(id).DeleteAsync(version);
            return Results.NoContent();
        });
    }

    private static async Task<IResult> HandleAsync(Func<Task<IResult>> action)
    {
        try
        {
            return await action();
        }
        catch (UserException ex)
        {
            return ex.Code switch
            {
                UserErrorCode.NotFound => Results.Problem(statusCode: StatusCodes.Status404NotFound, title: "No such user.", detail: ex.Message),
                UserErrorCode.AlreadyExists => Results.Problem(statusCode: StatusCodes.Status409Conflict, title: "The user already exists.", detail: ex.Message),
                UserErrorCode.VersionConflict => Results.Problem(
                    statusCode: StatusCodes.Status409Conflict, title: "The user changed since it was read.", detail: ex.Message,
                    extensions: new Dictionary<string, object?> { ["currentVersion"] = ex.CurrentVersion }),
                _ => Unavailable(ex.Message),
            };
        }
    }

    private static IResult Unavailable(string reason) => new RetryAfterResult(
        Results.Problem(statusCode: StatusCodes.Status503ServiceUnavailable, title: "The user database is unavailable.", detail: reason));

    /// <summary>Adds <c>Retry-After: 1</c> to a 503, as the rest of the API does.</summary>
    private sealed class RetryAfterResult(IResult inner) : IResult
    {
        public Task ExecuteAsync(HttpContext httpContext)
        {
            httpContext.Response.Headers.RetryAfter = "1";
            return inner.ExecuteAsync(httpContext);
        }
    }

    private static IResult? Errors(params (string Field, string? Error)[] checks)
    {
        var errors = checks.Where(c => c.Error is not null).ToDictionary(c => c.Field, c => new[] { c.Error! });
        return errors.Count == 0 ? null : Results.ValidationProblem(errors);
    }
}
