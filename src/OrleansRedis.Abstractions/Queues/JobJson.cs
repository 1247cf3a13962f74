using System.Text;
using System.Text.Json;

namespace OrleansRedis.Abstractions.Queues;

/// <summary>The JSON a job keeps (payload, result, progress), shared by the silo and the external worker.</summary>
public static class JobJson
{
    /// <summary>Gets whether <paramref name="text"/> is exactly one JSON value.</summary>
    public static bool IsJson(string text)
    {
        try
        {
            var reader = new Utf8JsonReader(Encoding.UTF8.GetBytes(text), new JsonReaderOptions { CommentHandling = JsonCommentHandling.Disallow });
            if (!reader.Read())
            {
                return false;
            }

            reader.Skip();
            return !reader.Read();
        }
        catch (JsonException)
        {
            return false;
        }
    }

    /// <summary>
    /// A handler's result as the JSON the job keeps: JSON as it is, any other text as a JSON string (<c>ok</c> becomes
    /// <c>"ok"</c>), so a result is never refused (which would run the job again on every redelivery).
    /// </summary>
    public static string? Result(string? result) => result is null || IsJson(result) ? result : JsonSerializer.Serialize(result);
}
