using System.Globalization;
using OrleansRedis.Abstractions.RateLimiting;
using OrleansRedis.Grains.RateLimiting;
using OrleansRedis.AspNetCore.Errors;
using OrleansRedis.AspNetCore.RateLimiting;
using OrleansRedis.AspNetCore.Security;

namespace OrleansRedis.AspNetCore.Endpoints;

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
        if (!policies.TryGet(policy, out var resolved))
        {
            return UnknownPolicy(policy);
        }

        var units = 1;
        if (new FieldErrors().Check("key", RateLimitKey.SubjectError(key)).Check("cost", CostError(cost, resolved, ref units)).Problem() is { } invalid)
        {
            return invalid;
        }

        var decision = await grains.GetRateLimitGrain(resolved.Name, key).CheckAsync(units);
        return Answer(context, decision, denied: StatusCodes.Status429TooManyRequests);
    }

    private static async Task<IResult> PeekAsync(string policy, string key, HttpContext context, RateLimitPolicies policies, IGrainFactory grains)
    {
        if (!policies.TryGet(policy, out var resolved))
        {
            return UnknownPolicy(policy);
        }

        if (new FieldErrors().Check("key", RateLimitKey.SubjectError(key)).Problem() is { } invalid)
        {
            return invalid;
        }

        var decision = await grains.GetRateLimitGrain(resolved.Name, key).PeekAsync();
        return Answer(context, decision, denied: StatusCodes.Status200OK);
    }

    private static async Task<IResult> ResetAsync(string policy, string key, RateLimitPolicies policies, IGrainFactory grains)
    {
        if (!policies.TryGet(policy, out var resolved))
        {
            return UnknownPolicy(policy);
        }

        if (new FieldErrors().Check("key", RateLimitKey.SubjectError(key)).Problem() is { } invalid)
        {
            return invalid;
        }

        await grains.GetRateLimitGrain(resolved.Name, key).ResetAsync();
        return Results.NoContent();
    }

    private static ProblemResult UnknownPolicy(string policy) => Problems.NotFound(
        $"No policy named '{(policy.Length > 64 ? policy[..64] + "..." : policy)}' is configured (OrleansRedis:RateLimits:Policies).");

    private static string? CostError(string? cost, RateLimitPolicy policy, ref int units) =>
        cost is null
        || (int.TryParse(cost, NumberStyles.None, CultureInfo.InvariantCulture, out units) && units >= 1 && units <= policy.Limit)
            ? null
            : $"The cost must be a whole number from 1 to the policy's limit ({policy.Limit}).";

    private static IResult Answer(HttpContext context, RateLimitDecision decision, int denied)
    {
        RateLimitHeaders.Write(context.Response.Headers, decision);

        if (decision.Degraded && !decision.Allowed)
        {
            // A Closed policy without Redis: the request was not checked, so it is not "too many" but "unavailable".
            return Problems.Unavailable(
                "The rate limiter cannot reach Redis and its policy fails closed.", "redis",
                (long)Math.Ceiling(decision.RetryAfter.TotalSeconds));
        }

        var body = new RateLimitResponse(
            decision.Allowed, decision.Limit, decision.Remaining,
            (long)Math.Ceiling(decision.RetryAfter.TotalMilliseconds), (long)Math.Ceiling(decision.ResetAfter.TotalMilliseconds), decision.Degraded);
        return decision.Allowed ? Results.Ok(body) : Results.Json(body, statusCode: denied);
    }
}
