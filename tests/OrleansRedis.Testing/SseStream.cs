using System.Globalization;
using System.Net.Http.Headers;
using System.Text;

namespace OrleansRedis.Testing;

/// <summary>
/// A raw SSE subscription for tests: sends <c>Accept: text/event-stream</c> (and <c>Last-Event-ID</c> when given)
/// and parses the stream line by line, field by field, as the specification says, without any SSE library, so a test
/// sees exactly what the server wrote.
/// </summary>
public sealed class SseStream : IAsyncDisposable
{
    private readonly HttpResponseMessage _response;
    private readonly StreamReader _reader;

    private SseStream(HttpResponseMessage response, Stream body)
    {
        _response = response;
        _reader = new StreamReader(body, Encoding.UTF8);
    }

    /// <summary>Gets the response (status and headers).</summary>
    public HttpResponseMessage Response => _response;

    /// <summary>Opens <paramref name="path"/> on <paramref name="http"/> (use a client without a timeout).</summary>
    public static async Task<SseStream> OpenAsync(HttpClient http, string path, string? lastEventId = null, CancellationToken cancellationToken = default)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, path);
        request.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue("text/event-stream"));
        if (lastEventId is not null)
        {
            request.Headers.Add("Last-Event-ID", lastEventId);
        }

        var response = await http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, cancellationToken);
        return new SseStream(response, await response.Content.ReadAsStreamAsync(cancellationToken));
    }

    /// <summary>Reads the next raw line (for tests of the wire format); <see langword="null"/> at the end.</summary>
    public Task<string?> ReadLineAsync(CancellationToken cancellationToken = default) => _reader.ReadLineAsync(cancellationToken).AsTask();

    /// <summary>Reads the next item; <see langword="null"/> when the server ended the stream.</summary>
    public async Task<SseFrame?> NextAsync(CancellationToken cancellationToken = default)
    {
        string? id = null, type = null;
        int? retry = null;
        StringBuilder? data = null;
        var any = false;
        while (await _reader.ReadLineAsync(cancellationToken) is { } line)
        {
            if (line.Length == 0)
            {
                if (any)
                {
                    return new SseFrame(id, type, data?.ToString() ?? string.Empty, retry);
                }

                continue;
            }

            if (line[0] == ':')
            {
                continue;
            }

            any = true;
            var colon = line.IndexOf(':', StringComparison.Ordinal);
            var field = colon < 0 ? line : line[..colon];
            var value = colon < 0 ? string.Empty : line[(colon + 1)..];
            if (value.StartsWith(' '))
            {
                value = value[1..];
            }

            switch (field)
            {
                case "id":
                    id = value;
                    break;
                case "event":
                    type = value;
                    break;
                case "data":
                    data = data is null ? new StringBuilder(value) : data.Append('\n').Append(value);
                    break;
                case "retry":
                    retry = int.Parse(value, CultureInfo.InvariantCulture);
                    break;
            }
        }

        return null;
    }

    /// <summary>Reads items until one of type <paramref name="type"/>; fails when the stream ends first.</summary>
    public async Task<SseFrame> NextOfTypeAsync(string type, CancellationToken cancellationToken = default)
    {
        while (await NextAsync(cancellationToken) is { } frame)
        {
            if (frame.Event == type)
            {
                return frame;
            }
        }

        throw new InvalidOperationException($"The stream ended before an '{type}' item.");
    }

    /// <inheritdoc />
    public ValueTask DisposeAsync()
    {
        _reader.Dispose();
        _response.Dispose();
        return ValueTask.CompletedTask;
    }
}
