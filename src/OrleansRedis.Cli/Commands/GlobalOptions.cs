using System.CommandLine;
using OrleansRedis.Cli.Output;

namespace OrleansRedis.Cli.Commands;

/// <summary>Options every command takes, and the one way commands call the API.</summary>
public static class GlobalOptions
{
    /// <summary>The silo's HTTP address.</summary>
    public static readonly Option<string> Url = new("--url")
    {
        Description = "The HTTP address of any silo (env ORLEANSREDIS_URL).",
        DefaultValueFactory = _ => Environment.GetEnvironmentVariable("ORLEANSREDIS_URL") ?? "http://127.0.0.1:8080",
        Recursive = true,
    };

    /// <summary>The admin key for <c>/admin</c> endpoints.</summary>
    public static readonly Option<string?> AdminKey = new("--admin-key")
    {
        Description = "The X-Admin-Key for admin commands (env ORLEANSREDIS_ADMIN_KEY).",
        DefaultValueFactory = _ => Environment.GetEnvironmentVariable("ORLEANSREDIS_ADMIN_KEY"),
        Recursive = true,
    };

    /// <summary>Raw JSON output for scripts.</summary>
    public static readonly Option<bool> Json = new("--json")
    {
        Description = "Print the raw JSON response instead of a table.",
        Recursive = true,
    };

    /// <summary>Calls the API with the parsed global options, prints the answer and returns the exit code.</summary>
    public static async Task<int> CallAsync(
        ParseResult parse, HttpMethod method, string path, object? body, CancellationToken cancellationToken)
    {
        if (!Uri.TryCreate(parse.GetValue(Url), UriKind.Absolute, out var baseAddress))
        {
            await Console.Error.WriteLineAsync($"--url '{parse.GetValue(Url)}' is not an absolute URL.");
            return CliExitCodes.BadInput;
        }

        using var client = new ApiClient(baseAddress, parse.GetValue(AdminKey));
        try
        {
            var response = await client.SendAsync(method, path, body, cancellationToken);
            return ResponseWriter.Write(response, parse.GetValue(Json), Console.Out, Console.Error);
        }
        catch (HttpRequestException ex)
        {
            await Console.Error.WriteLineAsync($"Cannot reach {baseAddress}: {ex.Message}");
            return CliExitCodes.Failure;
        }
        catch (TaskCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            await Console.Error.WriteLineAsync($"{baseAddress} did not answer in time.");
            return CliExitCodes.Unavailable;
        }
    }

    /// <summary>Escapes one path segment.</summary>
    public static string Segment(string value) => Uri.EscapeDataString(value);
}
