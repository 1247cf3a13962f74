using Microsoft.AspNetCore.OpenApi;
using Microsoft.OpenApi;

namespace OrleansRedis.Silo.Hosting;

/// <summary>
/// Gives the OpenAPI document (and so <c>/docs</c>) a title, a one-paragraph description and a reading order: the
/// capabilities first, then administration, and the probe, which exists for operators and the fault suite, last.
/// </summary>
internal sealed class ApiDocumentTransformer : IOpenApiDocumentTransformer
{
    /// <summary>The title of the API.</summary>
    public const string Title = "OrleansRedis API";

    /// <summary>The description shown under the title.</summary>
    public const string Description =
        "Production Redis patterns over HTTP, served by a cluster of Orleans silos that share one Redis: rate limits " +
        "with named policies (sliding log, sliding window counter, token bucket), fenced and fair distributed locks, " +
        "sessions with sliding idle and absolute timeouts, users cached in front of their database, and durable job " +
        "queues with fenced leases, retries, dead letters, per-key order and recurring schedules. Every decision " +
        "is one atomic Lua script on Redis, timed by Redis's clock, so it holds across silos and survives silo restarts. " +
        "Errors are application/problem+json: 400 for invalid input (naming the field), 404 and 409 where an operation " +
        "says so, 412 when an If-Match does not hold, 503 with Retry-After while Redis or the database is unavailable. Administration needs the " +
        "X-Admin-Key header. The probe, last, checks the write path from any silo.";

    // Tags not listed here (a new capability) come after the listed capabilities and before the tail.
    private static readonly (string Name, string Description)[] Capabilities =
    [
        ("Rate limiting", "Spend and inspect units of a named policy's limit, per key."),
        ("Locks", "Acquire, extend and release leases with fencing tokens; waiters are served first come, first served."),
        ("Sessions", "Create, read (sliding the idle timeout), merge, rotate and end sessions; list or revoke a user's sessions."),
        ("Users", "Users of record in the database, read through the cache."),
        ("Queues", "Enqueue durable jobs; lease, heartbeat, complete and fail them with fenced lease tokens; stats, pause, dead letters and recurring schedules."),
    ];

    private static readonly (string Name, string Description)[] Tail =
    [
        ("Admin: Redis", "Memory and persistence reports, big keys, maxmemory and eviction policy. Needs X-Admin-Key."),
        ("Probe", "A versioned register per key, persisted in Redis: proves the write path and reads back from any silo."),
    ];

    /// <inheritdoc />
    public Task TransformAsync(OpenApiDocument document, OpenApiDocumentTransformerContext context, CancellationToken cancellationToken)
    {
        document.Info ??= new OpenApiInfo();
        document.Info.Title = Title;
        document.Info.Description = Description;

        var present = (document.Tags ?? new HashSet<OpenApiTag>()).Where(t => t.Name is not null).ToDictionary(t => t.Name!);
        var listed = Capabilities.Concat(Tail).ToDictionary(t => t.Name, t => t.Description);
        var order = Capabilities.Select(t => t.Name)
            .Concat(present.Keys.Where(name => !listed.ContainsKey(name)).Order(StringComparer.Ordinal))
            .Concat(Tail.Select(t => t.Name))
            .Where(present.ContainsKey)
            .ToList();

        // A HashSet filled in order enumerates in that order; the writer emits the tags as enumerated.
        document.Tags = new HashSet<OpenApiTag>(order.Select(name =>
        {
            var tag = present[name];
            tag.Description ??= listed.GetValueOrDefault(name);
            return tag;
        }));

        var rank = order.Select((name, index) => (name, index)).ToDictionary(t => t.name, t => t.index);
        var paths = new OpenApiPaths();
        foreach (var (path, item) in document.Paths.OrderBy(p => Rank(p.Value, rank)))
        {
            paths[path] = item;
        }

        document.Paths = paths;
        return Task.CompletedTask;
    }

    private static int Rank(IOpenApiPathItem item, Dictionary<string, int> rank) =>
        (item.Operations ?? new Dictionary<HttpMethod, OpenApiOperation>())
        .SelectMany(o => o.Value.Tags ?? new HashSet<OpenApiTagReference>())
        .Select(t => t.Name is { } name && rank.TryGetValue(name, out var r) ? r : int.MaxValue)
        .DefaultIfEmpty(int.MaxValue)
        .Min();
}
