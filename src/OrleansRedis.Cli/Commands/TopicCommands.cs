using System.CommandLine;
using System.Net.Http.Headers;
using System.Net.ServerSentEvents;
using System.Text.Json;

namespace OrleansRedis.Cli.Commands;

/// <summary><c>topic publish TOPIC DATA</c>, <c>topic history TOPIC</c> and <c>topic tail TOPIC</c>.</summary>
public static class TopicCommands
{
    public static Command Build()
    {
        var topic = new Argument<string>("topic") { Description = "The topic, e.g. room:lobby or user:42." };
        var data = new Argument<string>("data") { Description = "The payload: any JSON value, e.g. '{\"text\":\"hi\"}'." };
        var type = new Option<string?>("--type") { Description = "The event type (SSE event:); message when absent." };
        var after = new Option<string?>("--after") { Description = "Start after this event id (0-0: from the oldest kept); live only when absent." };
        var count = new Option<int>("--count") { Description = "Stop after this many events (0: until Ctrl+C).", DefaultValueFactory = _ => 0 };
        var limit = new Option<int>("--limit") { Description = "At most this many events.", DefaultValueFactory = _ => 100 };

        var publish = new Command("publish", "Publish an event; prints its id.") { topic, data, type };
        publish.SetAction(async (parse, ct) =>
        {
            JsonElement payload;
            try
            {
                payload = JsonSerializer.Deserialize<JsonElement>(parse.GetValue(data)!);
            }
            catch (JsonException)
            {
                await Console.Error.WriteLineAsync("DATA must be a JSON value (quote strings: '\"text\"').");
                return CliExitCodes.BadInput;
            }

            return await GlobalOptions.CallAsync(parse, HttpMethod.Post, $"/topics/{GlobalOptions.Segment(parse.GetValue(topic)!)}/events",
                new { type = parse.GetValue(type), data = payload }, ct);
        });

        var history = new Command("history", "Print a page of the topic's history.") { topic, after, limit };
        history.SetAction((parse, ct) => GlobalOptions.CallAsync(parse, HttpMethod.Get,
            $"/topics/{GlobalOptions.Segment(parse.GetValue(topic)!)}/events?limit={parse.GetValue(limit)}" +
            (parse.GetValue(after) is { } a ? $"&after={GlobalOptions.Segment(a)}" : string.Empty), null, ct));

        var tail = new Command("tail", "Print the topic's events as they arrive (id, type, data), resuming after the last one if the stream drops.")
        {
            topic, after, count,
        };
        tail.SetAction((parse, ct) => TailAsync(parse, parse.GetValue(topic)!, parse.GetValue(after), parse.GetValue(count), ct));

        return new Command("topic", "Real-time topics: publish, read the history, tail.") { publish, history, tail };
    }

    private static async Task<int> TailAsync(ParseResult parse, string topic, string? after, int count, CancellationToken cancellationToken)
    {
        if (!Uri.TryCreate(parse.GetValue(GlobalOptions.Url), UriKind.Absolute, out var baseAddress))
        {
            await Console.Error.WriteLineAsync($"--url '{parse.GetValue(GlobalOptions.Url)}' is not an absolute URL.");
            return CliExitCodes.BadInput;
        }

        using var http = new HttpClient { BaseAddress = baseAddress, Timeout = Timeout.InfiniteTimeSpan };
        var json = parse.GetValue(GlobalOptions.Json);
        var last = after;
        var printed = 0;
        var failures = 0;
        while (!cancellationToken.IsCancellationRequested)
        {
            using var request = new HttpRequestMessage(HttpMethod.Get, $"/topics/{GlobalOptions.Segment(topic)}/events");
            request.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue("text/event-stream"));
            if (last is not null)
            {
                request.Headers.Add("Last-Event-ID", last);
            }

            try
            {
                using var response = await http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, cancellationToken);
                if (!response.IsSuccessStatusCode)
                {
                    await Console.Error.WriteLineAsync($"{(int)response.StatusCode}: {await response.Content.ReadAsStringAsync(cancellationToken)}");
                    return (int)response.StatusCode is >= 400 and < 500 ? CliExitCodes.BadInput : CliExitCodes.Unavailable;
                }

                await using var body = await response.Content.ReadAsStreamAsync(cancellationToken);
                await foreach (var item in SseParser.Create(body).EnumerateAsync(cancellationToken))
                {
                    failures = 0;
                    if (item.EventType is "ready" or "cut")
                    {
                        continue;
                    }

                    last = item.EventId is { Length: > 0 } id ? id : last;
                    Console.Out.WriteLine(json
                        ? JsonSerializer.Serialize(new { id = item.EventId, type = item.EventType, data = item.Data })
                        : $"{item.EventId}\t{item.EventType}\t{item.Data}");
                    if (count > 0 && ++printed >= count)
                    {
                        return CliExitCodes.Ok;
                    }
                }
            }
            catch (Exception ex) when (ex is HttpRequestException or IOException && !cancellationToken.IsCancellationRequested)
            {
                if (++failures >= 10)
                {
                    await Console.Error.WriteLineAsync($"Cannot reach {baseAddress}: {ex.Message}");
                    return CliExitCodes.Failure;
                }
            }

            await Task.Delay(TimeSpan.FromMilliseconds(500), cancellationToken);
        }

        return CliExitCodes.Ok;
    }
}
