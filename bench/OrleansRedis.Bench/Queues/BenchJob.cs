using System.Globalization;
using System.Text.Json;

namespace OrleansRedis.Bench.Queues;

/// <summary>The payload every benchmark job carries: <c>{"id": ..., "t0": unix µs at enqueue}</c>.</summary>
public static class BenchJob
{
    /// <summary>Writes the payload.</summary>
    public static string Payload(string id, long t0) =>
        string.Create(CultureInfo.InvariantCulture, $$"""{"id":"{{id}}","t0":{{t0}}}""");

    /// <summary>Reads the payload back.</summary>
    public static (string Id, long T0) Read(string payload)
    {
        using var json = JsonDocument.Parse(payload);
        return (json.RootElement.GetProperty("id").GetString()!, json.RootElement.GetProperty("t0").GetInt64());
    }
}
