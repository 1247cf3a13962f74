using System.Text.RegularExpressions;
using OrleansRedis.Abstractions.Probe;
using OrleansRedis.AspNetCore.Errors;

namespace OrleansRedis.AspNetCore.Endpoints;

/// <summary>
/// <c>GET/PUT /probe/{key}</c>: a persisted register that proves a write goes through a grain into Redis storage and
/// reads back from any silo.
/// </summary>
public static partial class ProbeEndpoints
{
    /// <summary>The longest probe key accepted.</summary>
    public const int MaxKeyLength = 128;

    /// <summary>The body of <c>PUT /probe/{key}</c>.</summary>
    /// <param name="Value">The value to store.</param>
    public sealed record ProbeWrite(string? Value);

    public static IEndpointRouteBuilder MapProbeEndpoints(this IEndpointRouteBuilder endpoints)
    {
        var group = endpoints.MapGroup("/probe").WithTags("Probe");
        group.MapGet("/{key}", async (string key, IGrainFactory grains) =>
            new FieldErrors().Check("key", KeyError(key)).Problem() ?? Results.Ok(await grains.GetGrain<IStateProbeGrain>(key).GetAsync()))
            .WithSummary("Reads a probe register.");
        group.MapPut("/{key}", async (string key, ProbeWrite body, IGrainFactory grains) =>
        {
            var invalid = new FieldErrors()
                .Check("key", KeyError(key))
                .Check("value", body.Value is null || body.Value.Length > ProbeLimits.MaxValueLength
                    ? $"A string of at most {ProbeLimits.MaxValueLength} characters is required."
                    : null)
                .Problem();
            if (invalid is not null)
            {
                return invalid;
            }

            return Results.Ok(await grains.GetGrain<IStateProbeGrain>(key).SetAsync(body.Value!));
        }).WithSummary("Writes a probe register; the write is persisted in Redis before the response.");
        return endpoints;
    }

    private static string? KeyError(string key) =>
        KeyPattern().IsMatch(key)
            ? null
            : $"A key is 1-{MaxKeyLength} characters: letters, digits and . _ : @ - (starting with a letter or digit).";

    // Keys are opaque, but a narrow alphabet keeps path tricks (../, %00, CR/LF) out of grain ids, logs and Redis keys.
    [GeneratedRegex("^[A-Za-z0-9][A-Za-z0-9._:@-]{0,127}$")]
    private static partial Regex KeyPattern();
}
