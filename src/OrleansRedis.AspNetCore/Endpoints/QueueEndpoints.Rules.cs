using System.Globalization;
using System.Text;
using System.Text.Json;
using OrleansRedis.Abstractions.Queues;
using OrleansRedis.Grains.Queues;
using OrleansRedis.AspNetCore.Errors;

namespace OrleansRedis.AspNetCore.Endpoints;

// The validation rules of the queue endpoints: each returns a message saying what a valid value is, or null.
public static partial class QueueEndpoints
{
    /// <summary>The longest delay (or run-at distance) of a job: 365 days.</summary>
    public const long MaxDelayMs = 365L * 24 * 60 * 60 * 1000;

    /// <summary>The longest backoff or retry-after a request may ask for: 7 days (the longest <c>BackoffMax</c>).</summary>
    public const long MaxBackoffMs = 7L * 24 * 60 * 60 * 1000;

    /// <summary>The most attempts a job may ask for.</summary>
    public const int MaxAttempts = 1000;

    /// <summary>The most jobs one lease call may ask for.</summary>
    public const int MaxLeaseBatch = 1000;

    /// <summary>The most dead jobs one list may ask for.</summary>
    public const int MaxDeadLimit = 1000;

    /// <summary>The shortest lease a worker may ask for.</summary>
    public const long MinLeaseMs = 1000;

    private const string PriorityRule = "priority is high, normal or low.";

    /// <summary>
    /// Resolves the route's queue: 400 naming <c>queue</c> for a malformed name, 404 for one not declared; otherwise
    /// <see langword="null"/> with the declared name (the one Redis keys use) and definition.
    /// </summary>
    private static ProblemResult? Find(string queue, QueueOptions options, out string name, out QueueDefinition definition)
    {
        name = queue;
        definition = null!;
        if (!QueueLimits.IsValidQueueName(queue))
        {
            return Problems.Invalid("queue", $"A queue name of 1-{QueueLimits.MaxQueueNameLength} characters of ASCII letters, digits, '.', '_' or '-' is required.");
        }

        if (options.Find(queue) is not { } found)
        {
            return Problems.NotFound($"No queue named '{queue}' is declared (OrleansRedis:Queues:Definitions).");
        }

        (name, definition) = found;
        return null;
    }

    private static bool Given(JsonElement value) => value.ValueKind is not (JsonValueKind.Undefined or JsonValueKind.Null);

    // The exact JSON text of an optional value (payload, result, progress); null when absent or JSON null.
    private static string? JsonText(JsonElement? value) => value is { } element && Given(element) ? element.GetRawText() : null;

    private static string? JobIdError(string id) => QueueLimits.TryGetPartition(id, out _)
        ? null
        : $"A job id as enqueue answered it: '{{partition}}-{{random}}', at most {QueueLimits.MaxJobIdLength} characters.";

    private static string? TokenError(string? token) => QueueLimits.IsValidToken(token)
        ? null
        : $"The leaseToken the lease answered is required: 1-{QueueLimits.MaxTokenLength} printable ASCII characters.";

    private static string? KeyError(JsonElement key) => key.ValueKind == JsonValueKind.String && QueueLimits.IsValidKey(key.GetString())
        ? null
        : $"A key of 1-{QueueLimits.MaxKeyLength} characters without control characters, or none.";

    private static string? KeyError(string? key) => key is null || QueueLimits.IsValidKey(key)
        ? null
        : $"A key of 1-{QueueLimits.MaxKeyLength} characters without control characters, or none.";

    /// <summary>A required JSON value (payload) or an optional one (result) within <c>Queues:MaxPayloadBytes</c>.</summary>
    private static string? PayloadError(string? json, string field, QueueOptions options, bool required = true)
    {
        if (json is null)
        {
            return required ? $"{field} is required: any JSON value but null, at most {options.MaxPayloadBytes} bytes." : null;
        }

        var bytes = Encoding.UTF8.GetByteCount(json);
        return bytes <= options.MaxPayloadBytes
            ? null
            : $"{field} is {bytes} bytes of JSON; at most {options.MaxPayloadBytes} (OrleansRedis:Queues:MaxPayloadBytes).";
    }

    private static bool TryPriority(string? text, out JobPriority priority)
    {
        priority = JobPriority.Normal;
        return text is not null && Enum.TryParse(text, ignoreCase: true, out priority) && Enum.IsDefined(priority) && !char.IsAsciiDigit(text[0]);
    }

    private static string? PriorityError(string? priority, out JobPriority value)
    {
        value = JobPriority.Normal;
        return priority is null || TryPriority(priority, out value) ? null : PriorityRule;
    }

    /// <summary>Reads an optional whole number of milliseconds from 0 to <paramref name="max"/>; <paramref name="error"/> when it is not one.</summary>
    private static long? Milliseconds(JsonElement value, long max, out bool error)
    {
        error = false;
        if (!Given(value))
        {
            return null;
        }

        if (value.ValueKind == JsonValueKind.Number && value.TryGetInt64(out var ms) && ms >= 0 && ms <= max)
        {
            return ms;
        }

        error = true;
        return null;
    }

    private static string? LeaseError(long? leaseMs, QueueDefinition definition)
    {
        var maxMs = (long)definition.MaxLeaseTime.TotalMilliseconds;
        return leaseMs is null || (leaseMs >= MinLeaseMs && leaseMs <= maxMs)
            ? null
            : $"leaseMs must be between {MinLeaseMs} and {maxMs} (the queue's MaxLeaseTime), or absent for its LeaseTime.";
    }

    private static string? WaitError(long? waitMs, QueueOptions options)
    {
        var maxMs = (long)options.MaxWait.TotalMilliseconds;
        return waitMs is < 0 || waitMs > maxMs
            ? $"waitMs must be between 0 and {maxMs} (OrleansRedis:Queues:MaxWait); wait longer by asking again."
            : null;
    }

    private static string? CountError(string field, string? text, int max, ref int value) =>
        text is null || (int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out value) && value >= 1 && value <= max)
            ? null
            : $"{field} must be a whole number from 1 to {max}.";
}
