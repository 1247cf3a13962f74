using System.Text.Json;

namespace OrleansRedis.Cli.Output;

/// <summary>Prints an API response as a readable table, or as raw JSON with <c>--json</c>, and picks the exit code.</summary>
public static class ResponseWriter
{
    private static readonly JsonSerializerOptions Indented = new() { WriteIndented = true };

    /// <summary>Writes <paramref name="response"/> and returns the exit code for its status.</summary>
    public static int Write(ApiResponse response, bool json, TextWriter output, TextWriter error)
    {
        var exitCode = CliExitCodes.FromStatus(response.Status);
        if (json)
        {
            output.WriteLine(response.Body is { } body ? JsonSerializer.Serialize(body, Indented) : $"{{\"status\":{response.Status}}}");
            return exitCode;
        }

        if (response.Status >= 400 && response.Body is { ValueKind: JsonValueKind.Object } problem && problem.TryGetProperty("title", out var title))
        {
            var writer = response.Status is 409 or 429 ? output : error;
            writer.WriteLine($"{response.Status}: {title.GetString()}");
            if (problem.TryGetProperty("detail", out var detail) && detail.ValueKind == JsonValueKind.String)
            {
                writer.WriteLine(detail.GetString());
            }

            if (problem.TryGetProperty("errors", out var errors) && errors.ValueKind == JsonValueKind.Object)
            {
                foreach (var field in errors.EnumerateObject())
                {
                    writer.WriteLine($"  {field.Name}: {string.Join(" ", field.Value.EnumerateArray().Select(e => e.GetString()))}");
                }
            }

            return exitCode;
        }

        if (response.Body is { } value)
        {
            TableWriter.Write(value, output);
        }
        else
        {
            output.WriteLine(response.Status == 204 ? "Done." : $"HTTP {response.Status}");
        }

        return exitCode;
    }
}
