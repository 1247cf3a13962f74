using System.Globalization;
using System.Net.Http.Json;
using System.Text.Json;
using OrleansRedis.Testing;

namespace OrleansRedis.FaultTests.Harness;

/// <summary>Reads and writes probe registers over a silo's HTTP API.</summary>
public static class ProbeReader
{
    /// <summary>Returns the stored value of <paramref name="key"/> as a number.</summary>
    public static async Task<long> ReadValueAsync(SiloProcess silo, string key)
    {
        var snapshot = await silo.Http.GetFromJsonAsync<JsonElement>($"/probe/{key}");
        var value = snapshot.GetProperty("value").GetString();
        return string.IsNullOrEmpty(value) ? 0 : long.Parse(value, CultureInfo.InvariantCulture);
    }

    /// <summary>Writes <paramref name="value"/> into <paramref name="key"/>; throws unless the silo answered 200.</summary>
    public static async Task WriteAsync(SiloProcess silo, string key, string value)
    {
        using var response = await silo.Http.PutAsJsonAsync($"/probe/{key}", new { value });
        response.EnsureSuccessStatusCode();
    }
}
