using System.Text;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace OrleansRedis.AspNetCore.Endpoints;

/// <summary>
/// JSON text kept as it was sent (a job's payload, result or progress) and written back into a response as the value
/// itself, not as a string holding it. Text that is not JSON (a progress string reported by a .NET handler) is written
/// as a JSON string, so a response is always valid JSON.
/// </summary>
[JsonConverter(typeof(RawJsonConverter))]
public readonly record struct RawJson(string Text)
{
    /// <summary>Wraps <paramref name="text"/>, or answers <see langword="null"/> for none.</summary>
    public static RawJson? From(string? text) => text is null ? null : new RawJson(text);

    /// <summary>Returns whether <paramref name="text"/> is exactly one JSON value.</summary>
    public static bool IsJson(string text)
    {
        if (text.Length == 0)
        {
            return false;
        }

        try
        {
            var reader = new Utf8JsonReader(Encoding.UTF8.GetBytes(text), new JsonReaderOptions { CommentHandling = JsonCommentHandling.Disallow });
            while (reader.Read())
            {
            }

            return reader.BytesConsumed > 0;
        }
        catch (JsonException)
        {
            return false;
        }
    }

    private sealed class RawJsonConverter : JsonConverter<RawJson>
    {
        public override RawJson Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options)
        {
            using var document = JsonDocument.ParseValue(ref reader);
            return new RawJson(document.RootElement.GetRawText());
        }

        public override void Write(Utf8JsonWriter writer, RawJson value, JsonSerializerOptions options)
        {
            if (IsJson(value.Text))
            {
                writer.WriteRawValue(value.Text, skipInputValidation: true);
            }
            else
            {
                writer.WriteStringValue(value.Text);
            }
        }
    }
}
