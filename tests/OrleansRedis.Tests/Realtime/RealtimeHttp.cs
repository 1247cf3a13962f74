using System.Net.Http.Json;
using System.Text.Json;
using OrleansRedis.Testing;

namespace OrleansRedis.Tests.Realtime;

/// <summary>Shorthands for the real-time HTTP API in tests.</summary>
internal static class RealtimeHttp
{
    /// <summary>A client without a timeout, for streams that stay open.</summary>
    public static HttpClient StreamingClient(SiloProcess silo) =>
        new() { BaseAddress = silo.Http.BaseAddress, Timeout = Timeout.InfiniteTimeSpan };

    /// <summary>Publishes and returns the event id.</summary>
    public static async Task<string> PublishAsync(HttpClient http, string topic, object data, string? type = null)
    {
        using var response = await http.PostAsJsonAsync($"/topics/{topic}/events", new { type, data });
        response.EnsureSuccessStatusCode();
        return (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetString()!;
    }

    /// <summary>Reads the whole history of a topic (JSON pages).</summary>
    public static async Task<List<JsonElement>> HistoryAsync(HttpClient http, string topic)
    {
        var events = new List<JsonElement>();
        var after = "0-0";
        while (true)
        {
            var page = await http.GetFromJsonAsync<JsonElement>($"/topics/{topic}/events?after={after}&limit=500");
            var batch = page.GetProperty("events").EnumerateArray().ToList();
            events.AddRange(batch);
            if (batch.Count < 500)
            {
                return events;
            }

            after = batch[^1].GetProperty("id").GetString()!;
        }
    }

    /// <summary>A fresh topic name.</summary>
    public static string NewTopic(string kind = "t") => $"{kind}:{Guid.NewGuid():N}";
}
