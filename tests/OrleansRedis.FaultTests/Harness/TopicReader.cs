using System.Diagnostics;
using System.Net.Http.Json;
using System.Text.Json;
using OrleansRedis.Client.Realtime;
using OrleansRedis.Testing;

namespace OrleansRedis.FaultTests.Harness;

/// <summary>Publishing and reading topics over HTTP for the real-time scenarios.</summary>
public static class TopicReader
{
    /// <summary>A client without a timeout, for streams that stay open.</summary>
    public static HttpClient Streaming(SiloProcess silo) => new() { BaseAddress = silo.Http.BaseAddress, Timeout = Timeout.InfiniteTimeSpan };

    /// <summary>Publishes once; returns the id, or <see langword="null"/> when the silo did not acknowledge it.</summary>
    public static async Task<string?> TryPublishAsync(HttpClient http, string topic, object data)
    {
        try
        {
            using var response = await http.PostAsJsonAsync($"/topics/{topic}/events", new { data });
            return response.IsSuccessStatusCode ? (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetString() : null;
        }
        catch (Exception ex) when (ex is HttpRequestException or TaskCanceledException)
        {
            return null;
        }
    }

    /// <summary>Publishes, retrying on failure until acknowledged; returns the id and the latency of the acknowledged call.</summary>
    public static async Task<(string Id, TimeSpan Latency)> PublishAsync(HttpClient http, string topic, object data)
    {
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(60);
        while (true)
        {
            var started = Stopwatch.GetTimestamp();
            if (await TryPublishAsync(http, topic, data) is { } id)
            {
                return (id, Stopwatch.GetElapsedTime(started));
            }

            if (DateTime.UtcNow > deadline)
            {
                throw new TimeoutException($"No publish to {topic} was acknowledged within 60 s.");
            }

            await Task.Delay(100);
        }
    }

    /// <summary>Reads every id of a topic's history.</summary>
    public static async Task<List<string>> HistoryAsync(HttpClient http, string topic)
    {
        var ids = new List<string>();
        var after = "0-0";
        while (true)
        {
            var page = await http.GetFromJsonAsync<JsonElement>($"/topics/{topic}/events?after={after}&limit=1000");
            var batch = page.GetProperty("events").EnumerateArray().Select(e => e.GetProperty("id").GetString()!).ToList();
            ids.AddRange(batch);
            if (batch.Count < 1000)
            {
                return ids;
            }

            after = batch[^1];
        }
    }

    /// <summary>Reads a .NET subscription after <paramref name="after"/> until <paramref name="count"/> events arrived.</summary>
    public static async Task<List<string>> CollectAsync(TopicSubscriber subscriber, string topic, string after, int count, CancellationToken cancellationToken)
    {
        var ids = new List<string>(count);
        await foreach (var e in subscriber.SubscribeAsync(topic, after, cancellationToken))
        {
            ids.Add(e.Id);
            if (ids.Count == count)
            {
                break;
            }
        }

        return ids;
    }

    /// <summary>Reads a raw SSE stream until <paramref name="count"/> events arrived; returns their ids.</summary>
    public static async Task<List<string>> CollectAsync(SseStream stream, int count, CancellationToken cancellationToken)
    {
        var ids = new List<string>(count);
        while (ids.Count < count && await stream.NextAsync(cancellationToken) is { } frame)
        {
            if (frame.Id is not null)
            {
                ids.Add(frame.Id);
            }
        }

        return ids;
    }
}
