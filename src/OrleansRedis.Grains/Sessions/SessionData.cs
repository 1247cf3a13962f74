using System.Buffers;
using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Nodes;
using OrleansRedis.Abstractions.Sessions;

namespace OrleansRedis.Grains.Sessions;

/// <summary>
/// Session data rules: a JSON object, stored compact, within a byte limit; merges replace top-level fields. Every
/// check runs before anything is written, so refused data never changes a stored session.
/// </summary>
public static class SessionData
{
    /// <summary>The data of a session created without any.</summary>
    public const string Empty = "{}";

    // Raw input may carry indentation that compacting removes; anything beyond this multiple is refused unread.
    private const int RawSlack = 4;

    private static readonly JsonDocumentOptions ParseOptions = new() { MaxDepth = 64, AllowDuplicateProperties = false };

    // Compact, and without escaping non-ASCII text: the limit counts what is stored, not an escaped inflation of it.
    private static readonly JsonWriterOptions WriteOptions = new() { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping, Indented = false };

    private static readonly JsonSerializerOptions SerializeOptions = new() { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    /// <summary>Checks that <paramref name="json"/> is a JSON object within <paramref name="maxBytes"/> and returns it compact.</summary>
    /// <exception cref="SessionException"><see cref="SessionError.InvalidData"/> or <see cref="SessionError.DataTooLarge"/>.</exception>
    public static string Normalize(string? json, int maxBytes)
    {
        using var document = ParseObject(json, maxBytes, "data");
        var buffer = new ArrayBufferWriter<byte>(Math.Min(json!.Length, maxBytes) + 16);
        using (var writer = new Utf8JsonWriter(buffer, WriteOptions))
        {
            document.RootElement.WriteTo(writer);
        }

        return buffer.WrittenCount > maxBytes
            ? throw TooLarge(buffer.WrittenCount, maxBytes)
            : Encoding.UTF8.GetString(buffer.WrittenSpan);
    }

    /// <summary>
    /// Merges the top-level properties of <paramref name="patch"/> into <paramref name="current"/>: each replaces or adds
    /// the field of its name, and a <see langword="null"/> value removes it.
    /// </summary>
    /// <exception cref="SessionException">The patch is not a JSON object, or the result exceeds <paramref name="maxBytes"/>.</exception>
    public static string Merge(string current, string patch, int maxBytes)
    {
        using var patchDocument = ParseObject(patch, maxBytes, "patch");
        var merged = JsonNode.Parse(current)!.AsObject();
        foreach (var property in patchDocument.RootElement.EnumerateObject())
        {
            if (property.Value.ValueKind == JsonValueKind.Null)
            {
                merged.Remove(property.Name);
            }
            else
            {
                merged[property.Name] = JsonSerializer.SerializeToNode(property.Value);
            }
        }

        var result = merged.ToJsonString(SerializeOptions);
        var bytes = Encoding.UTF8.GetByteCount(result);
        return bytes > maxBytes ? throw TooLarge(bytes, maxBytes) : result;
    }

    private static JsonDocument ParseObject(string? json, int maxBytes, string what)
    {
        if (json is null)
        {
            throw new SessionException(SessionError.InvalidData, $"The session {what} is required: a JSON object.");
        }

        var rawBytes = Encoding.UTF8.GetByteCount(json);
        if (rawBytes > (long)maxBytes * RawSlack)
        {
            throw TooLarge(rawBytes, maxBytes);
        }

        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(json, ParseOptions);
        }
        catch (JsonException ex)
        {
            throw new SessionException(SessionError.InvalidData, $"The session {what} is not valid JSON: {ex.Message}");
        }

        if (document.RootElement.ValueKind != JsonValueKind.Object)
        {
            var kind = document.RootElement.ValueKind;
            document.Dispose();
            throw new SessionException(SessionError.InvalidData, $"The session {what} must be a JSON object, not {kind}.");
        }

        return document;
    }

    private static SessionException TooLarge(long bytes, int maxBytes) =>
        new(SessionError.DataTooLarge, $"The session data would be {bytes} bytes; the limit is {maxBytes}.");
}
