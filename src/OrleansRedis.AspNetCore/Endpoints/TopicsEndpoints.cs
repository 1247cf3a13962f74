using System.Net.ServerSentEvents;
using Microsoft.AspNetCore.Http.Metadata;
using System.Text;
using System.Text.Json;
using Microsoft.Extensions.Options;
using OrleansRedis.Abstractions.Realtime;
using OrleansRedis.Grains.Realtime;
using OrleansRedis.AspNetCore.Errors;

namespace OrleansRedis.AspNetCore.Endpoints;

/// <summary>
/// <c>/topics/{topic}/events</c>: publish an event (201 with its id), subscribe over Server-Sent Events on any silo
/// (<c>Accept: text/event-stream</c>; replay after <c>Last-Event-ID</c> or <c>?after=</c>, then live), or page
/// through the history as JSON.
/// </summary>
public static class TopicsEndpoints
{
    /// <summary>The event type of the first item of every stream: the subscription is live from <c>lastId</c> on.</summary>
    public const string ReadyType = "ready";

    /// <summary>The event type of the last item of a stream cut because its client fell behind (it carries <c>retry:</c>).</summary>
    public const string CutType = "cut";

    /// <summary>The body of <c>POST /topics/{topic}/events</c>.</summary>
    /// <param name="Type">The event type (SSE <c>event:</c>); <c>message</c> when absent.</param>
    /// <param name="Data">The payload: any JSON value, at most <c>Realtime:MaxPayloadBytes</c>.</param>
    public sealed record PublishRequest(string? Type, JsonElement? Data);

    /// <summary>A published event.</summary>
    /// <param name="Id">The event id: the topic's order, and what <c>Last-Event-ID</c> resumes after.</param>
    public sealed record PublishResponse(string Id);

    /// <summary>One event of a history page.</summary>
    public sealed record EventResponse(string Id, string Type, JsonElement Data);

    /// <summary>A page of history.</summary>
    /// <param name="Events">The events after <c>after</c>, oldest first.</param>
    /// <param name="Reset">Whether events after <c>after</c> were trimmed: the page starts at the oldest kept event.</param>
    /// <param name="LastId">The newest id of the topic; more pages follow while the last event's id is smaller.</param>
    public sealed record PageResponse(IReadOnlyList<EventResponse> Events, bool Reset, string LastId);

    public static IEndpointRouteBuilder MapTopicsEndpoints(this IEndpointRouteBuilder endpoints)
    {
        var topics = endpoints.MapGroup("/topics").WithTags("Realtime")
            .RequireCors(policy => policy.AllowAnyOrigin().AllowAnyHeader().AllowAnyMethod());
        topics.MapPost("/{topic}/events", PublishAsync).WithMetadata(new PublishBodyLimit(endpoints.ServiceProvider))
            .WithSummary("Publishes an event; 201 with its id, once Redis has it. Publishing never waits for subscribers.")
            .Produces<PublishResponse>(StatusCodes.Status201Created).ProducesValidationProblem();
        topics.MapGet("/{topic}/events", ReadAsync)
            .WithSummary("With Accept: text/event-stream, subscribes (SSE: id, event, data; replay after Last-Event-ID or ?after=, " +
                "then live; event: reset when that history was trimmed; event: cut with retry: when the client is too slow). " +
                "Otherwise a JSON page of history after ?after= (limit ?limit=).")
            .Produces<PageResponse>().Produces(StatusCodes.Status200OK, contentType: "text/event-stream").ProducesValidationProblem();
        return endpoints;
    }

    private static async Task<IResult> PublishAsync(string topic, PublishRequest body, IGrainFactory grains, IOptions<RealtimeOptions> options)
    {
        var data = body.Data is { ValueKind: not JsonValueKind.Undefined } element ? element.GetRawText() : null;
        var invalid = new FieldErrors()
            .Check("topic", TopicError(topic))
            .Check("type", body.Type is null || RealtimeLimits.IsValidType(body.Type)
                ? null
                : $"An event type of 1-{RealtimeLimits.MaxTypeLength} letters, digits or . _ - : is required (or none, for 'message').")
            .Check("data", DataError(data, options.Value.MaxPayloadBytes))
            .Problem();
        if (invalid is not null)
        {
            return invalid;
        }

        var id = await grains.GetGrain<ITopicGrain>(topic).PublishAsync(body.Type, data!);
        return TypedResults.Created((string?)null, new PublishResponse(id));
    }

    private static async Task<IResult> ReadAsync(
        string topic, string? after, string? limit, HttpContext http, IGrainFactory grains, TopicRelayHub hub, IOptions<RealtimeOptions> options)
    {
        var lastEventId = http.Request.Headers["Last-Event-ID"].ToString();
        var streaming = http.Request.Headers.Accept.ToString().Contains("text/event-stream", StringComparison.OrdinalIgnoreCase);
        var (afterField, afterText) = lastEventId.Length > 0 ? ("Last-Event-ID", lastEventId) : ("after", after);
        var maxPage = options.Value.MaxPageSize;
        var pageSize = 100;
        var invalid = new FieldErrors()
            .Check("topic", TopicError(topic))
            .Check(afterField, afterText is null || TopicEventId.TryParse(afterText, out _)
                ? null
                : "An event id is '{milliseconds}-{sequence}' as the stream gave it, e.g. 1733050000000-0.")
            .Check("limit", streaming || limit is null || (int.TryParse(limit, out pageSize) && pageSize >= 1 && pageSize <= maxPage)
                ? null
                : $"limit must be between 1 and {maxPage} (OrleansRedis:Realtime:MaxPageSize).")
            .Problem();
        if (invalid is not null)
        {
            return invalid;
        }

        TopicEventId? from = afterText is null ? null : TopicEventId.Parse(afterText);
        if (!streaming)
        {
            var page = await grains.GetGrain<ITopicGrain>(topic).ReadAsync(from?.ToString(), pageSize);
            return TypedResults.Ok(new PageResponse(
                [.. page.Events.Select(e => new EventResponse(e.Id, e.Type, JsonSerializer.Deserialize<JsonElement>(e.Data)))], page.Reset, page.LastId));
        }

        // Subscribed before the answer starts, so an unreachable Redis is a 503 rather than an empty stream.
        var subscription = await hub.SubscribeAsync(topic, http.RequestAborted);
        http.Response.RegisterForDispose(subscription);
        var retry = options.Value.SlowClientRetry;
        return TypedResults.ServerSentEvents(Items(hub.StreamAsync(subscription, topic, from, http.RequestAborted), subscription.StartId, retry, http));
    }

    private static async IAsyncEnumerable<SseItem<string>> Items(
        IAsyncEnumerable<TopicDelivery> deliveries, TopicEventId liveFrom, TimeSpan retry, HttpContext http)
    {
        var metrics = http.RequestServices.GetRequiredService<RealtimeMetrics>();

        // Sends the headers at once (EventSource opens) and tells the client where live delivery begins.
        yield return new SseItem<string>($$"""{"lastId":"{{liveFrom}}"}""", ReadyType);
        await foreach (var delivery in deliveries)
        {
            switch (delivery.Kind)
            {
                case TopicDeliveryKind.Event:
                    metrics.Delivered();
                    yield return new SseItem<string>(delivery.Event!.Data, delivery.Event.Type) { EventId = delivery.Event.Id };
                    break;
                case TopicDeliveryKind.Reset:
                    yield return new SseItem<string>("""{"reason":"trimmed"}""", RealtimeLimits.ResetType);
                    break;
                case TopicDeliveryKind.Cut:
                    yield return new SseItem<string>("""{"reason":"slow"}""", CutType) { ReconnectionInterval = retry };
                    break;
            }
        }
    }

    private static string? TopicError(string topic) => RealtimeLimits.IsValidTopic(topic)
        ? null
        : $"A topic name of 1-{RealtimeLimits.MaxTopicLength} letters, digits or . _ - : @ is required.";

    /// <summary>The rule for a payload: present, and at most <paramref name="maxBytes"/> UTF-8 bytes of JSON.</summary>
    internal static string? DataError(string? data, int maxBytes)
    {
        if (data is null)
        {
            return "data is required: any JSON value.";
        }

        var bytes = Encoding.UTF8.GetByteCount(data);
        return bytes <= maxBytes ? null : $"data is {bytes} bytes of JSON; at most {maxBytes} are allowed (OrleansRedis:Realtime:MaxPayloadBytes).";
    }

    /// <summary>Caps request bodies a little above the payload limit, so a huge upload is cut off with 413.</summary>
    private sealed class PublishBodyLimit(IServiceProvider services) : IRequestSizeLimitMetadata
    {
        private long? _limit;

        public long? MaxRequestBodySize =>
            _limit ??= (services.GetRequiredService<IOptions<RealtimeOptions>>().Value.MaxPayloadBytes * 2L) + 4096;
    }
}
