namespace OrleansRedis.AspNetCore.Endpoints;

/// <summary>
/// <c>GET /live?topic=room:lobby&amp;peers=http://other-silo:8081</c>: a small page (plain HTML and JavaScript,
/// <c>EventSource</c>) that subscribes to a topic on this silo, shows its events and the room's members as they come,
/// publishes from a box, and moves to a peer silo from its list when this one stops answering.
/// </summary>
public static class LivePageEndpoints
{
    private static readonly Lazy<string> Page = new(() =>
    {
        using var stream = typeof(LivePageEndpoints).Assembly.GetManifestResourceStream("OrleansRedis.AspNetCore.Live.live.html")
            ?? throw new InvalidOperationException("The live page is not embedded in the silo.");
        using var reader = new StreamReader(stream);
        return reader.ReadToEnd();
    });

    public static IEndpointRouteBuilder MapLivePage(this IEndpointRouteBuilder endpoints)
    {
        endpoints.MapGet("/live", () => Results.Content(Page.Value, "text/html; charset=utf-8"))
            .WithTags("Realtime").WithSummary("The live page: subscribe to a topic, see events and presence, publish.")
            .ExcludeFromDescription();
        return endpoints;
    }
}
