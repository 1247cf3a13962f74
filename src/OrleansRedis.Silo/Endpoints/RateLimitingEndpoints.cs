using System.Globalization;
using OrleansRedis.Abstractions.RateLimiting;
using OrleansRedis.Grains.RateLimiting;
using OrleansRedis.Silo.Security;

namespace OrleansRedis.Silo.Endpoints;

/// <summary>
/// <c>POST/GET/DELETE /ratelimit/{policy}/{key}</c>: check (200 allowed, 429 denied), peek, reset (admin). Every
/// answer carries <c>RateLimit-Limit</c>, <c>RateLimit-Remaining</c> and <c>RateLimit-Reset</c>, plus
/// <c>Retry-After</c> when denied. Bad input is rejected before anything reaches Redis.
/// </summary>
public static class RateLimitingEndpoints
{
    /// <summary>The body of a check or peek.</summary>
    /// <param name="Allowed">Whether the request was admitted (peek: whether one of cost 1 would be).</param>
    /// <param name="Limit">The policy's limit per window.</param>
    /// <param name="Remaining">Units left.</param>
    /// <param name="RetryAfterMs">When denied, milliseconds until the same request would fit.</param>
    /// <param name="ResetAfterMs">Milliseconds until the full limit is back.</param>
    /// <param name="Degraded">Whether the policy's failure mode decided because Redis could not.</param>
    public sealed record RateLimitResponse(bool Allowed, long Limit, long Remaining, long RetryAfterMs, long ResetAfterMs, bool Degraded);

    public static IEndpointRouteBuilder MapRateLimitingEndpoints(this IEndpointRouteBuilder endpoints)
    {
        var group = endpoints.MapGroup("/ratelimit").WithTags("Rate limiting");
        group.MapPost("/{policy}/{key}", CheckAsync)
            .WithSummary("Spends `cost` units (default 1) of the key's limit: 200 when admitted, 429 with Retry-After when not.")
            .Produces<RateLimitResponse>()
            .Produces<RateLimitResponse>(StatusCodes.Status429TooManyRequests)
            .ProducesProblem(StatusCodes.Status400BadRequest)
            .ProducesProblem(StatusCodes.Status404NotFound)
            .ProducesProblem(StatusCodes.Status503ServiceUnavailable);
        group.MapGet("/{policy}/{key}", PeekAsync)
            .WithSummary("Reads the key's state without spending anything.")
            .Produces<RateLimitResponse>()
            .ProducesProblem(StatusCodes.Status404NotFound)
            .ProducesProblem(StatusCodes.Status503ServiceUnavailable);
        group.MapDelete("/{policy}/{key}", ResetAsync)
            .WithSummary("Resets the key: the full limit is available again. Needs X-Admin-Key.")
            .Produces(StatusCodes.Status204NoContent)
            .ProducesProblem(StatusCodes.Status404NotFound)
            .RequireAdminKey();
        return endpoints;
    }

    private static async Task<IResult> CheckAsync(
        string policy, string key, string? cost, HttpContext context, RateLimitPolicies policies, IGrainFactory grains)
    {
        if (Validate(policy, key, policies, out var resolved) is { } problem)
        {
            return problem;
        }

        var units = 1;
        if (cost is not null
            && (!int.TryParse(cost, NumberStyles.None, CultureInfo.InvariantCulture, out units) || units < 1 || units > resolved.Limit))
        {
            return Results.ValidationProblem(
                new Dictionary<string, string[]> { ["cost"] = [$"The cost must be a whole number from 1 to the policy's limit ({resolved.Limit})."] },
                title: "The cost is invalid.");
        }

        var decision = await grains.GetRateLimitGrain(resolved.Name, key).CheckAsync(units);
        return Answer(context, decision, denied: StatusCodes.Status429TooManyRequests);
    }

    private static async Task<IResult> PeekAsync(string policy, string key, HttpContext context, RateLimitPolicies policies, IGrainFactory grains)
    {
        if (Validate(policy, key, policies, out var resolved) is { } problem)
        {
            return problem;
        }

        var decision = await grains.GetRateLimitGrain(resolved.Name, key).PeekAsync();
        return Answer(context, decision, denied: StatusCodes.Status200OK);
    }

    private static async Task<IResult> ResetAsync(string policy, string key, RateLimitPolicies policies, IGrainFactory grains)
    {
        if (Validate(policy, key, policies, out var resolved) is { } problem)
        {
            return problem;
        }

        try
        {
            await grains.GetRateLimitGrain(resolved.Name, key).ResetAsync();
        }
        catch (RateLimitException ex) when (ex.Code == RateLimitErrorCode.Unavailable)
        {
            return Unavailable(ex.Message);
        }

        return Results.NoContent();
    }

    private static IResult? Validate(string policy, string key, RateLimitPolicies policies, out RateLimitPolicy resolved)
    {
        if (!policies.TryGet(policy, out resolved!))
        {
            return Results.Problem(
                statusCode: StatusCodes.Status404NotFound,
                title: "Unknown rate-limit policy.",
                detail: $"No policy named '{(policy.Length > 64 ? policy[..64] + "..." : policy)}' is configured (OrleansRedis:RateLimits:Policies).");
        }

        return RateLimitKey.SubjectError(key) is { } error
            ? Results.ValidationProblem(new Dictionary<string, string[]> { ["key"] = [error] }, title: "The key is invalid.")
            : null;
    }

    private static IResult Answer(HttpContext context, RateLimitDecision decision, int denied)
    {
        var headers = context.Response.Headers;
        headers["RateLimit-Limit"] = decision.Limit.ToString(CultureInfo.InvariantCulture);
        headers["RateLimit-Remaining"] = decision.Remaining.ToString(CultureInfo.InvariantCulture);
        headers["RateLimit-Reset"] = Seconds(decision.ResetAfter);
        if (!decision.Allowed)
        {
            headers.RetryAfter = Seconds(decision.RetryAfter);
        }

        if (decision.Degraded && !decision.Allowed)
        {
            // A Closed policy without Redis: the request was not checked, so it is not "too many" but "unavailable".
            return Unavailable("The rate limiter cannot reach Redis and its policy fails closed.");
        }

        var body = new RateLimitResponse(
            decision.Allowed, decision.Limit, decision.Remaining,
            (long)Math.Ceiling(decision.RetryAfter.TotalMilliseconds), (long)Math.Ceiling(decision.ResetAfter.TotalMilliseconds), decision.Degraded);
        return decision.Allowed ? Results.Ok(body) : Results.Json(body, statusCode: denied);
    }

    private static IResult Unavailable(string detail) =>
        Results.Problem(statusCode: StatusCodes.Status503ServiceUnavailable, title: "The backend is temporarily unavailable.", detail: detail);

    // Whole seconds, rounded up: a client that waits this long is never early.
    private static string Seconds(TimeSpan duration) =>
        ((long)Math.Ceiling(duration.TotalSeconds)).ToString(CultureInfo.InvariantCulture);
}
