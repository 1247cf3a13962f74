using System.Net.Http.Json;
using System.Text.Json;

namespace OrleansRedis.Cli;

/// <summary>Calls the OrleansRedis HTTP API and returns the status with the JSON body, whatever the status.</summary>
public sealed class ApiClient(Uri baseAddress, string? adminKey) : IDisposable
{
    private readonly HttpClient _http = new() { BaseAddress = baseAddress, Timeout = TimeSpan.FromSeconds(60) };

    /// <summary>Sends a request; <paramref name="body"/> is serialized as JSON when given.</summary>
    public async Task<ApiResponse> SendAsync(HttpMethod method, string path, object? body, CancellationToken cancellationToken)
    {
        using var request = new HttpRequestMessage(method, path);
        if (body is not null)
        {
            request.Content = JsonContent.Create(body);
        }

        if (!string.IsNullOrEmpty(adminKey))
        {
            request.Headers.Add("X-Admin-Key", adminKey);
        }

        using var response = await _http.SendAsync(request, cancellationToken);
        var text = await response.Content.ReadAsStringAsync(cancellationToken);
        JsonElement? json = null;
        if (text.Length > 0)
        {
            try
            {
                json = JsonSerializer.Deserialize<JsonElement>(text);
            }
            catch (JsonException)
            {
                json = JsonSerializer.SerializeToElement(new { body = text });
            }
        }

        var headers = response.Headers.Concat(response.Content.Headers)
            .ToDictionary(h => h.Key, h => string.Join(",", h.Value), StringComparer.OrdinalIgnoreCase);
        return new ApiResponse((int)response.StatusCode, json, headers);
    }

    /// <inheritdoc />
    public void Dispose() => _http.Dispose();
}
