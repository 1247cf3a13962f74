using OrleansRedis.Redis.Operations;
using OrleansRedis.Silo.Security;

namespace OrleansRedis.Silo.Endpoints;

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
                : BadRole(role);
        }).WithSummary("Memory, eviction and persistence report of each Redis role, with warnings.");

        group.MapGet("/bigkeys", async (string? role, int? top, int? maxKeys, int? batch, BigKeyScanner scanner, CancellationToken cancellationToken) =>
        {
            var parsed = ParseRole(role ?? "state");
            var errors = new Dictionary<string, string[]>();
            if (parsed is null)
            {
                errors["role"] = ["Use state or cache."];
            }

            if (top is < 1 or > 1000)
            {
                errors["top"] = ["top must be between 1 and 1000."];
            }

            if (maxKeys is < 1 or > BigKeyScanner.MaxKeysLimit)
            {
                errors["maxKeys"] = [$"maxKeys must be between 1 and {BigKeyScanner.MaxKeysLimit}."];
            }

            if (batch is < 10 or > 10_000)
            {
                errors["batch"] = ["batch must be between 10 and 10000."];
            }

            return errors.Count > 0
                ? Results.ValidationProblem(errors)
                : Results.Ok(await scanner.ScanAsync(parsed!.Value, top ?? 20, maxKeys ?? 100_000, batch ?? 500, cancellationToken));
        }).WithSummary("The biggest keys by bytes (SCAN + MEMORY USAGE, bounded) and totals per key group.");

        group.MapPut("/maxmemory", async (MaxMemoryRequest request, MaxMemorySetter setter) =>
        {
            if (ParseRole(request.Role ?? "") is not { } role)
            {
                return BadRole(request.Role);
            }

            var change = new MaxMemoryChange(role, request.MaxMemory, request.Policy, request.Force);
            if (MaxMemorySetter.Validate(change) is { Count: > 0 } errors)
            {
                return Results.ValidationProblem(new Dictionary<string, string[]> { ["request"] = [.. errors] });
            }

            try
            {
                var (maxMemory, policy) = await setter.ApplyAsync(change);
                return Results.Ok(new { role, maxMemory, policy });
            }
            catch (EvictionGuardException ex)
            {
                return Results.Problem(statusCode: StatusCodes.Status409Conflict, title: "Evicting policy refused on the State Redis.", detail: ex.Message);
            }
            catch (RedisConfigUnavailableException ex)
            {
                return Results.Problem(statusCode: StatusCodes.Status502BadGateway, title: "Redis refused CONFIG.", detail: ex.Message);
            }
        }).WithSummary("Sets maxmemory and/or maxmemory-policy; an evicting policy on State needs force=true.");
        return endpoints;
    }

    private static RedisRole? ParseRole(string role) =>
        Enum.TryParse<RedisRole>(role, ignoreCase: true, out var parsed) && Enum.IsDefined(parsed) && !int.TryParse(role, out _) ? parsed : null;

    private static IResult BadRole(string? role) =>
        Results.ValidationProblem(new Dictionary<string, string[]> { ["role"] = [$"'{role}' is not a Redis role; use state or cache."] });
}
