using System.Net.Http.Json;
using System.Text.Json;
using OrleansRedis.Testing;

namespace OrleansRedis.FaultTests.Harness;

/// <summary>Reads sessions over a silo's HTTP API.</summary>
public static class SessionReader
{
    /// <summary>Returns the session's data object.</summary>
    public static async Task<JsonElement> ReadDataAsync(SiloProcess silo, string sessionId)
    {
        var session = await silo.Http.GetFromJsonAsync<JsonElement>($"/sessions/{sessionId}");
        var data = session.GetProperty("data");
        return data.ValueKind == JsonValueKind.String ? JsonDocument.Parse(data.GetString()!).RootElement : data;
    }
}
