using OrleansRedis.Abstractions.Diagnostics;
using System.Globalization;
using OrleansRedis.Abstractions.Realtime;
using StackExchange.Redis;

namespace OrleansRedis.Redis.Realtime;

/// <summary>
/// The Redis side of topics: a stream per topic, appended by one script that also trims it (by count and by age) and
/// announces the event on the topic's channel together with the id of the event before it, in the same atomic step.
/// So the channel carries events in stream order, and a listener that sees a "previous id" other than the last one it
/// has knows it missed something and reads the stream instead.
/// </summary>
public sealed class TopicStore(RedisConnections connections, RedisKeys keys)
{
    /// <summary>The id field of the publish reply.</summary>
    public static readonly ReplyField Id = new("id");

    /// <summary>The previous-id field of the publish reply.</summary>
    public static readonly ReplyField Previous = new("prev");

    /// <summary>The last-generated-id field of the read reply.</summary>
    public static readonly ReplyField Last = new("last");

    /// <summary>The entries field of the read reply.</summary>
    public static readonly ReplyField Entries = new("entries");

    // KEYS[1] the topic's stream. ARGV[1] max length (approximate), ARGV[2] max age in ms (0: none), ARGV[3] type,
    // ARGV[4] data, ARGV[5] the topic's channel.
    // Appends {t: type, d: data, p: previous id}, publishes "{prev}\n{id}\n{type}\n{data}" on the channel and replies
    // {'id', id, 'prev', previousId}. The previous id is the newest ever generated ('0-0' for a new topic), also when
    // trimming by age emptied the stream, so every entry names its predecessor and a reader can tell a gap.
    private const string PublishScript = """
        local last = redis.call('XREVRANGE', KEYS[1], '+', '-', 'COUNT', 1)
        local prev = '0-0'
        if #last > 0 then
          prev = last[1][1]
        elseif redis.call('EXISTS', KEYS[1]) == 1 then
          local info = redis.call('XINFO', 'STREAM', KEYS[1])
          for i = 1, #info, 2 do
            if info[i] == 'last-generated-id' then prev = info[i + 1] end
          end
        end
        local id = redis.call('XADD', KEYS[1], 'MAXLEN', '~', ARGV[1], '*', 't', ARGV[3], 'd', ARGV[4], 'p', prev)
        local age = tonumber(ARGV[2])
        if age > 0 then
          local t = redis.call('TIME')
          local oldest = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000) - age
          if oldest > 0 then redis.call('XTRIM', KEYS[1], 'MINID', '~', oldest) end
        end
        redis.call('PUBLISH', ARGV[5], prev .. '\n' .. id .. '\n' .. ARGV[3] .. '\n' .. ARGV[4])
        return {'id', id, 'prev', prev}
        """;

    // KEYS[1] the topic's stream. ARGV[1] start ('-' or '(' .. id), ARGV[2] count.
    // Replies {'last', lastGeneratedId, 'entries', [[id, [field, value...]]...]}; 'last' is '0-0' for no stream.
    private const string ReadScript = """
        if redis.call('EXISTS', KEYS[1]) == 0 then
          return {'last', '0-0', 'entries', {}}
        end
        local info = redis.call('XINFO', 'STREAM', KEYS[1])
        local last = '0-0'
        for i = 1, #info, 2 do
          if info[i] == 'last-generated-id' then last = info[i + 1] end
        end
        return {'last', last, 'entries', redis.call('XRANGE', KEYS[1], ARGV[1], '+', 'COUNT', ARGV[2])}
        """;

    /// <summary>Appends an event and announces it; returns its id and the id of the event before it.</summary>
    public async Task<(TopicEventId Id, TopicEventId Previous)> PublishAsync(string topic, string type, string data, long maxLength, long maxAgeMs)
    {
        var result = await Database.ScriptEvaluateAsync(
            OrleansRedisActivitySources.Realtime, "topic publish", PublishScript,
            [keys.Topic(topic)],
            [maxLength, maxAgeMs, type, data, keys.TopicChannel(topic).ToString()]).ConfigureAwait(false);
        var reply = ScriptReply.Read(result, "topic publish");
        return (TopicEventId.Parse(reply.String(Id)), TopicEventId.Parse(reply.String(Previous)));
    }

    /// <summary>
    /// Reads up to <paramref name="count"/> events after <paramref name="after"/> (from the oldest when
    /// <see langword="null"/>). <see cref="TopicRead.Reset"/> is set when entries after <paramref name="after"/> were
    /// trimmed, or the stream never reached it (its history was lost); the page then starts at the oldest entry.
    /// Entries appended without a predecessor field (by hand) are taken as continuous.
    /// </summary>
    public async Task<TopicRead> ReadAsync(string topic, TopicEventId? after, int count)
    {
        var read = await ReadRangeAsync(topic, after is { } a && a != TopicEventId.Zero ? "(" + a : "-", count).ConfigureAwait(false);
        if (after is not { } from || from == TopicEventId.Zero)
        {
            return read;
        }

        // Every entry names its predecessor: the first one after 'from' must name 'from', or the ones in between were
        // trimmed. With nothing after 'from', it must be the newest ever generated; an id beyond that belongs to a
        // history this stream no longer has (Redis lost it, or the id is from another deployment).
        var gap = read.Events.Count > 0
            ? read.FirstPrevious is { } previous && previous != from
            : from != read.Last;
        if (gap)
        {
            var restart = await ReadRangeAsync(topic, "-", count).ConfigureAwait(false);
            return restart with { Reset = true };
        }

        return read;
    }

    /// <summary>Reads the id of the newest event of <paramref name="topic"/> (<see cref="TopicEventId.Zero"/> when none).</summary>
    public async Task<TopicEventId> LastIdAsync(string topic)
    {
        var entries = await Database.StreamRangeAsync(keys.Topic(topic), "-", "+", 1, Order.Descending).ConfigureAwait(false);
        return entries.Length == 0 ? TopicEventId.Zero : TopicEventId.Parse(entries[0].Id!);
    }

    /// <summary>Parses a message of the topic's channel: the previous id, then the event.</summary>
    public static bool TryParseAnnouncement(RedisValue message, out TopicEventId previous, out TopicEventId id, out TopicEvent? topicEvent)
    {
        previous = id = TopicEventId.Zero;
        topicEvent = null;
        var text = (string?)message;
        if (text is null)
        {
            return false;
        }

        var first = text.IndexOf('\n', StringComparison.Ordinal);
        var second = first < 0 ? -1 : text.IndexOf('\n', first + 1);
        var third = second < 0 ? -1 : text.IndexOf('\n', second + 1);
        if (third < 0 || !TopicEventId.TryParse(text[..first], out previous) || !TopicEventId.TryParse(text[(first + 1)..second], out id))
        {
            return false;
        }

        topicEvent = new TopicEvent(text[(first + 1)..second], text[(second + 1)..third], text[(third + 1)..]);
        return true;
    }

    private async Task<TopicRead> ReadRangeAsync(string topic, string start, int count)
    {
        var result = await Database.ScriptEvaluateAsync(
            OrleansRedisActivitySources.Realtime, "topic read", ReadScript, [keys.Topic(topic)], [start, count.ToString(CultureInfo.InvariantCulture)]).ConfigureAwait(false);
        var reply = ScriptReply.Read(result, "topic read");
        var entries = reply.Array(Entries);
        var events = new List<TopicEvent>(entries.Length);
        TopicEventId? firstPrevious = null;
        foreach (var entry in entries)
        {
            var parts = (RedisResult[])entry!;
            var fields = (RedisResult[])parts[1]!;
            string type = RealtimeLimits.DefaultType, data = "null";
            for (var i = 0; i + 1 < fields.Length; i += 2)
            {
                switch ((string?)fields[i])
                {
                    case "t":
                        type = (string)fields[i + 1]!;
                        break;
                    case "d":
                        data = (string)fields[i + 1]!;
                        break;
                    case "p" when events.Count == 0 && TopicEventId.TryParse((string?)fields[i + 1], out var previous):
                        firstPrevious = previous;
                        break;
                }
            }

            events.Add(new TopicEvent((string)parts[0]!, type, data));
        }

        return new TopicRead(events, false, TopicEventId.Parse(reply.String(Last)), firstPrevious);
    }

    private IDatabase Database => connections.State.GetDatabase();
}
