using System.Text;
using System.Text.Json;
using Microsoft.Extensions.Options;
using Orleans.Concurrency;
using OrleansRedis.Abstractions.Realtime;
using OrleansRedis.Redis.Realtime;
using OrleansRedis.Abstractions.Diagnostics;

namespace OrleansRedis.Grains.Realtime;

/// <summary>
/// One topic; see <see cref="ITopicGrain"/>. The grain is the topic's only writer: each publish is one script that
/// appends to the topic's stream, trims it and announces the event to the silos' relays. Reentrant, so concurrent
/// publishers pipeline their scripts on the shared connection instead of waiting for each other's round trip; Redis
/// runs them in arrival order and the stream ids are that order.
/// </summary>
[GrainType("topic")]
[Reentrant]
public sealed class TopicGrain(TopicStore store, IOptions<RealtimeOptions> options, RealtimeMetrics metrics) : Grain, ITopicGrain
{
    private string Topic => this.GetPrimaryKeyString();

    /// <inheritdoc />
    public Task<string> PublishAsync(string? type, string data) =>
        OrleansRedisActivitySources.Run(RealtimeTracing.Start("topic.publish"), PublishCoreAsync(type, data), RealtimeTracing.Published);

    private async Task<string> PublishCoreAsync(string? type, string data)
    {
        EnsureTopic(Topic);
        var eventType = type ?? RealtimeLimits.DefaultType;
        if (!RealtimeLimits.IsValidType(eventType))
        {
            throw new RealtimeException(
                RealtimeErrorCode.InvalidType, $"An event type of 1-{RealtimeLimits.MaxTypeLength} letters, digits or . _ - : is required.");
        }

        EnsureJson(data, options.Value.MaxPayloadBytes);
        var value = options.Value;
        var (id, _) = await store.PublishAsync(Topic, eventType, data, value.MaxEventsPerTopic, (long)value.MaxEventAge.TotalMilliseconds);
        metrics.Published();
        return id.ToString();
    }

    /// <inheritdoc />
    public async Task<TopicPage> ReadAsync(string? after, int limit)
    {
        EnsureTopic(Topic);
        var from = ParseAfter(after);
        if (limit < 1 || limit > options.Value.MaxPageSize)
        {
            throw new ArgumentOutOfRangeException(nameof(limit), limit, $"limit must be between 1 and {options.Value.MaxPageSize} (OrleansRedis:Realtime:MaxPageSize).");
        }

        var read = await store.ReadAsync(Topic, from, limit);
        return new TopicPage(read.Events, read.Reset, read.Last.ToString());
    }

    /// <summary>Throws unless <paramref name="topic"/> is a valid topic name.</summary>
    public static void EnsureTopic(string topic)
    {
        if (!RealtimeLimits.IsValidTopic(topic))
        {
            throw new RealtimeException(
                RealtimeErrorCode.InvalidTopic, $"A topic name of 1-{RealtimeLimits.MaxTopicLength} letters, digits or . _ - : @ is required.");
        }
    }

    /// <summary>Parses an <c>after</c> id (<see langword="null"/> stays null), throwing a typed error when it is malformed.</summary>
    public static TopicEventId? ParseAfter(string? after)
    {
        if (after is null)
        {
            return null;
        }

        return TopicEventId.TryParse(after, out var id)
            ? id
            : throw new RealtimeException(RealtimeErrorCode.InvalidEventId, "An event id is '{milliseconds}-{sequence}' as the stream gave it, e.g. 1733050000000-0.");
    }

    /// <summary>Throws unless <paramref name="data"/> is one JSON value of at most <paramref name="maxBytes"/> UTF-8 bytes.</summary>
    public static void EnsureJson(string? data, int maxBytes)
    {
        if (data is null)
        {
            throw new RealtimeException(RealtimeErrorCode.InvalidPayload, "The data is required: a JSON value.");
        }

        var bytes = Encoding.UTF8.GetByteCount(data);
        if (bytes > maxBytes)
        {
            throw new RealtimeException(RealtimeErrorCode.InvalidPayload, $"The data is {bytes} bytes of JSON; at most {maxBytes} are allowed.");
        }

        try
        {
            var reader = new Utf8JsonReader(Encoding.UTF8.GetBytes(data));
            while (reader.Read())
            {
            }
        }
        catch (JsonException)
        {
            throw new RealtimeException(RealtimeErrorCode.InvalidPayload, "The data must be one JSON value.");
        }
    }
}
