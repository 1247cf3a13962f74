using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;

namespace OrleansRedis.Tests.Queues;

/// <summary>The queue endpoints as an HTTP client in any language would call them.</summary>
public static class QueueHttp
{
    /// <summary>A job leased over HTTP.</summary>
    public sealed record Lease(string Id, string LeaseToken, int Attempt, JsonElement Payload, DateTimeOffset LeaseExpiresAtUtc);

    /// <summary>Sends <paramref name="json"/> as the body of a <paramref name="method"/> request.</summary>
    public static Task<HttpResponseMessage> SendAsync(HttpClient http, HttpMethod method, string path, string json, string? adminKey = null)
    {
        var request = new HttpRequestMessage(method, path) { Content = new StringContent(json, Encoding.UTF8, "application/json") };
        if (adminKey is not null)
        {
            request.Headers.Add("X-Admin-Key", adminKey);
        }

        return http.SendAsync(request);
    }

    /// <summary>Sends a body-less <paramref name="method"/> request with the admin key.</summary>
    public static Task<HttpResponseMessage> AdminAsync(HttpClient http, HttpMethod method, string path, string? adminKey)
    {
        var request = new HttpRequestMessage(method, path);
        if (adminKey is not null)
        {
            request.Headers.Add("X-Admin-Key", adminKey);
        }

        return http.SendAsync(request);
    }

    /// <summary><c>POST /queues/{queue}/jobs</c> with <paramref name="json"/>; the job id of the 202.</summary>
    public static async Task<string> EnqueueAsync(HttpClient http, string queue, string json)
    {
        using var response = await SendAsync(http, HttpMethod.Post, $"/queues/{queue}/jobs", json);
        var body = await response.Content.ReadAsStringAsync();
        if (response.StatusCode != HttpStatusCode.Accepted)
        {
            throw new HttpRequestException($"POST /queues/{queue}/jobs answered {(int)response.StatusCode}: {body}");
        }

        return JsonDocument.Parse(body).RootElement.GetProperty("jobId").GetString()!;
    }

    /// <summary><c>POST /queues/{queue}/leases</c>; the leased jobs.</summary>
    public static async Task<IReadOnlyList<Lease>> LeaseAsync(HttpClient http, string queue, int max, long waitMs, long leaseMs = 30_000)
    {
        using var response = await http.PostAsJsonAsync($"/queues/{queue}/leases", new { worker = "http-test", max, leaseMs, waitMs });
        var body = await response.Content.ReadAsStringAsync();
        if (response.StatusCode != HttpStatusCode.OK)
        {
            throw new HttpRequestException($"POST /queues/{queue}/leases answered {(int)response.StatusCode}: {body}");
        }

        return [.. JsonDocument.Parse(body).RootElement.GetProperty("jobs").EnumerateArray().Select(job => new Lease(
            job.GetProperty("id").GetString()!,
            job.GetProperty("leaseToken").GetString()!,
            job.GetProperty("attempt").GetInt32(),
            job.GetProperty("payload").Clone(),
            job.GetProperty("leaseExpiresAtUtc").GetDateTimeOffset()))];
    }

    /// <summary>Leases until every job of <paramref name="ids"/> is leased (they may sit on different partitions).</summary>
    public static async Task<IReadOnlyList<Lease>> LeaseAllAsync(HttpClient http, string queue, IReadOnlyCollection<string> ids)
    {
        var leased = new Dictionary<string, Lease>();
        var deadline = DateTime.UtcNow.AddSeconds(30);
        while (leased.Count < ids.Count && DateTime.UtcNow < deadline)
        {
            foreach (var lease in await LeaseAsync(http, queue, ids.Count - leased.Count, waitMs: 5000))
            {
                Assert.Contains(lease.Id, ids);
                leased[lease.Id] = lease;
            }
        }

        Assert.Equal(ids.Count, leased.Count);
        return [.. ids.Select(id => leased[id])];
    }

    /// <summary><c>GET /queues/{queue}/jobs/{id}</c>.</summary>
    public static async Task<JsonElement> JobAsync(HttpClient http, string queue, string id) =>
        await http.GetFromJsonAsync<JsonElement>($"/queues/{queue}/jobs/{id}");

    /// <summary><c>GET /queues/{queue}</c>.</summary>
    public static async Task<JsonElement> StatsAsync(HttpClient http, string queue) =>
        await http.GetFromJsonAsync<JsonElement>($"/queues/{queue}");

    /// <summary>The figures a refused request must leave as they were: what was enqueued and what is unfinished.</summary>
    public static async Task<(long Enqueued, long Depth, long Completed, long Failed)> FiguresAsync(HttpClient http, string queue)
    {
        var stats = await StatsAsync(http, queue);
        return (stats.GetProperty("enqueued").GetInt64(), stats.GetProperty("depth").GetInt64(),
            stats.GetProperty("completed").GetInt64(), stats.GetProperty("failed").GetInt64());
    }

    /// <summary><c>POST /queues/{queue}/jobs/{id}/complete</c>; the status.</summary>
    public static async Task<HttpStatusCode> CompleteAsync(HttpClient http, string queue, string id, string token)
    {
        using var response = await http.PostAsJsonAsync($"/queues/{queue}/jobs/{id}/complete", new { leaseToken = token });
        return response.StatusCode;
    }
}
