using System.Globalization;
using OrleansRedis.Redis.Operations;
using OrleansRedis.AspNetCore.Errors;
using OrleansRedis.AspNetCore.Security;

namespace OrleansRedis.AspNetCore.Endpoints;

/// <summary>
/// <c>/admin/redis/*</c>: memory report, big keys and maxmemory per Redis role, behind <c>X-Admin-Key</c>.
/// </summary>
public static class RedisAdminEndpoints
{
    /// <summary>The body of <c>PUT /admin/redis/maxmemory</c>.</summary>
    /// <param name="Role"><c>state</c> or <c>cache</c>.</param>
    /// <param name="MaxMemory">The new limit in Redis syntax (<c>256mb</c>), or null to keep it.</param>
    /// <param name="Policy">The new eviction policy, or null to keep it.</param>
    /// <param name="Force">Allow an evicting policy on the State role.</param>
    public sealed record MaxMemoryRequest(string? Role, string? MaxMemory, string? Policy, bool Force);

    public static IEndpointRouteBuilder MapRedisAdminEndpoints(this IEndpointRouteBuilder endpoints)
    {
        var group = endpoints.MapGroup("/admin/redis").WithTags("Admin: Redis").RequireAdminKey();

        group.MapGet("/memory", async (string? role, RedisMemoryInspector inspector) =>
        {
            if (role is null)
            {
                var reports = new List<RedisMemoryReport>();
                foreach (var each in inspector.Roles)
                {
                    reports.Add(await inspector.GetReportAsync(each));
                }

                return Results.Ok(reports);
            }

            return ParseRole(role) is { } parsed
                ? Results.Ok(new[] { await inspector.GetReportAsync(parsed) })
                : Problems.Invalid("role", RoleError(role));
        }).WithSummary("Memory, eviction and persistence report of each Redis role, with warnings.");

        // The numbers are bound as text so that a malformed or over-long one is a 400 naming the field.
        group.MapGet("/bigkeys", async (string? role, string? top, string? maxKeys, string? batch, BigKeyScanner scanner, CancellationToken cancellationToken) =>
        {
            var parsed = ParseRole(role ?? "state");
            int topCount = 20, keyBudget = 100_000, batchSize = 500;
            var invalid = new FieldErrors()
                .Check("role", parsed is null ? RoleError(role) : null)
                .Check("top", RangeError(top, 1, 1000, ref topCount))
                .Check("maxKeys", RangeError(maxKeys, 1, BigKeyScanner.MaxKeysLimit, ref keyBudget))
                .Check("batch", RangeError(batch, 10, 10_000, ref batchSize))
                .Problem();
            return invalid ?? Results.Ok(await scanner.ScanAsync(parsed!.Value, topCount, keyBudget, batchSize, cancellationToken));
        }).WithSummary("The biggest keys by bytes (SCAN + MEMORY USAGE, bounded) and totals per key group.");

        group.MapPut("/maxmemory", async (MaxMemoryRequest request, MaxMemorySetter setter) =>
        {
            if (ParseRole(request.Role ?? "") is not { } role)
            {
                return Problems.Invalid("role", RoleError(request.Role));
            }

            // MaxMemorySetter checks the change as a whole and names the request field of each problem.
            var change = new MaxMemoryChange(role, request.MaxMemory, request.Policy, request.Force);
            var invalid = new FieldErrors();
            foreach (var (field, error) in MaxMemorySetter.Validate(change))
            {
                invalid = invalid.Check(field, error);
            }

            if (invalid.Problem() is { } problem)
            {
                return problem;
            }

            // A refused evicting policy (409) and a Redis that forbids CONFIG (502) map through Problems.FromException.
            var applied = await setter.ApplyAsync(change);
            return Results.Ok(new { role, applied.MaxMemory, applied.Policy, applied.Nodes });
        }).WithSummary("Sets maxmemory and/or maxmemory-policy; an evicting policy on State needs force=true.");
        return endpoints;
    }

    private static RedisRole? ParseRole(string role) =>
        Enum.TryParse<RedisRole>(role, ignoreCase: true, out var parsed) && Enum.IsDefined(parsed) && !int.TryParse(role, out _) ? parsed : null;

    private static string RoleError(string? role) =>
        $"'{(role is { Length: > 64 } ? role[..64] + "..." : role)}' is not a Redis role; use state or cache.";

    private static string? RangeError(string? text, int min, int max, ref int value)
    {
        if (text is null)
        {
            return null;
        }

        if (text.Length <= 10 && int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var parsed) && parsed >= min && parsed <= max)
        {
            value = parsed;
            return null;
        }

        return $"Must be a whole number between {min} and {max}.";
    }
}
