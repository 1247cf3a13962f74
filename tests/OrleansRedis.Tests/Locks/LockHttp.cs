using System.Net;
using System.Net.Http.Json;
using System.Text.Json;

namespace OrleansRedis.Tests.Locks;

/// <summary>The lock endpoints as an HTTP client in any language would call them.</summary>
public static class LockHttp
{
    /// <summary>A lease granted over HTTP.</summary>
    public sealed record Lease(string Token, long FencingToken, DateTimeOffset ExpiresAtUtc);

    /// <summary><c>POST /locks/{name}</c>; the lease on 200, <see langword="null"/> on 409.</summary>
    public static async Task<Lease?> AcquireAsync(HttpClient http, string name, string owner, long leaseMs, long waitMs)
    {
        using var response = await http.PostAsJsonAsync($"/locks/{Uri.EscapeDataString(name)}", new { owner, leaseMs, waitMs });
        if (response.StatusCode == HttpStatusCode.Conflict)
        {
            return null;
        }

        var body = await response.Content.ReadAsStringAsync();
        if (response.StatusCode != HttpStatusCode.OK)
        {
            throw new HttpRequestException($"POST /locks/{name} answered {(int)response.StatusCode}: {body}");
        }

        var json = JsonDocument.Parse(body).RootElement;
        return new Lease(json.GetProperty("token").GetString()!, json.GetProperty("fencingToken").GetInt64(), json.GetProperty("expiresAtUtc").GetDateTimeOffset());
    }

    /// <summary><c>DELETE /locks/{name}?token=</c>; the status code.</summary>
    public static async Task<HttpStatusCode> ReleaseAsync(HttpClient http, string name, string token)
    {
        using var response = await http.DeleteAsync($"/locks/{Uri.EscapeDataString(name)}?token={Uri.EscapeDataString(token)}");
        return response.StatusCode;
    }

    /// <summary><c>GET /locks/{name}</c>.</summary>
    public static async Task<JsonElement> StateAsync(HttpClient http, string name) =>
        await http.GetFromJsonAsync<JsonElement>($"/locks/{Uri.EscapeDataString(name)}");
}
