using System.Text.Json;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Extensions.Options;
using OrleansRedis.Abstractions.Queues;
using OrleansRedis.Grains.Queues;
using OrleansRedis.AspNetCore.Errors;

namespace OrleansRedis.AspNetCore.Endpoints;

// Producers: enqueue (one job or a bulk array), read and cancel.
public static partial class QueueEndpoints
{
    private static readonly JobSpec Unreadable = new("null");

    private static async Task<IResult> EnqueueAsync(string queue, [FromBody] JsonElement body, IGrainFactory grains, IOptions<QueueOptions> options)
    {
        var settings = options.Value;
        if (Find(queue, settings, out var name, out var definition) is { } refused)
        {
            return refused;
        }

        var errors = new FieldErrors();
        var bulk = body.ValueKind == JsonValueKind.Array;
        List<JobSpec> jobs;
        if (bulk)
        {
            var count = body.GetArrayLength();
            if (count == 0 || count > settings.MaxBulk)
            {
                return Problems.Invalid(Problems.BodyField, $"A bulk enqueue is a JSON array of 1 to {settings.MaxBulk} jobs (OrleansRedis:Queues:MaxBulk); it had {count}.");
            }

            jobs = new List<JobSpec>(count);
            foreach (var item in body.EnumerateArray())
            {
                jobs.Add(ReadJob(item, $"[{jobs.Count}].", settings, definition, ref errors));
            }
        }
        else
        {
            jobs = [ReadJob(body, string.Empty, settings, definition, ref errors)];
        }

        if (errors.Problem() is { } invalid)
        {
            return invalid;
        }

        // A full queue is the table's 429 (Problems.TooManyRequests): nothing enqueued, Retry-After from the queue.
        var grain = grains.GetGrain<IQueueGrain>(name);
        if (!bulk)
        {
            var result = await grain.EnqueueAsync(jobs[0]);
            return Results.Accepted($"/queues/{Uri.EscapeDataString(name)}/jobs/{result.JobId}", Enqueued(result));
        }

        var results = await grain.EnqueueManyAsync(jobs);
        return Results.Json(new BulkEnqueueResponse([.. results.Select(Enqueued)]), statusCode: StatusCodes.Status202Accepted);
    }

    private static async Task<IResult> GetJobAsync(string queue, string id, IGrainFactory grains, IOptions<QueueOptions> options)
    {
        if ((Find(queue, options.Value, out var name, out _) ?? new FieldErrors().Check("id", JobIdError(id)).Problem()) is { } refused)
        {
            return refused;
        }

        return await grains.GetGrain<IQueueGrain>(name).GetJobAsync(id) is { } job ? Results.Ok(Job(job)) : JobNotFound(name, id);
    }

    private static async Task<IResult> CancelJobAsync(string queue, string id, IGrainFactory grains, IOptions<QueueOptions> options)
    {
        if ((Find(queue, options.Value, out var name, out _) ?? new FieldErrors().Check("id", JobIdError(id)).Problem()) is { } refused)
        {
            return refused;
        }

        return await grains.GetGrain<IQueueGrain>(name).CancelAsync(id) is { } job ? Results.Ok(Job(job)) : JobNotFound(name, id);
    }

    /// <summary>
    /// Reads one job of an enqueue body, recording each bad field (prefixed <c>[i].</c> in a bulk) in
    /// <paramref name="errors"/>. Read by hand rather than bound, so a wrong type names its field and the payload keeps
    /// its exact JSON text.
    /// </summary>
    private static JobSpec ReadJob(JsonElement item, string prefix, QueueOptions options, QueueDefinition definition, ref FieldErrors errors)
    {
        if (item.ValueKind != JsonValueKind.Object)
        {
            errors = errors.Check(prefix.Length == 0 ? Problems.BodyField : prefix.TrimEnd('.'),
                "A job is a JSON object " + JobFields + ".");
            return Unreadable;
        }

        JsonElement payload = default, key = default, priority = default, delay = default, runAt = default, idempotency = default, attempts = default, backoff = default,
            user = default;
        foreach (var property in item.EnumerateObject())
        {
            switch (property.Name.ToUpperInvariant())
            {
                case "PAYLOAD": payload = property.Value; break;
                case "KEY": key = property.Value; break;
                case "PRIORITY": priority = property.Value; break;
                case "DELAYMS": delay = property.Value; break;
                case "RUNATUTC": runAt = property.Value; break;
                case "IDEMPOTENCYKEY": idempotency = property.Value; break;
                case "MAXATTEMPTS": attempts = property.Value; break;
                case "BACKOFFMS": backoff = property.Value; break;
                case "USERID": user = property.Value; break;
                default:
                    // A misspelt field (delay for delayMs) must not be ignored: the job would run otherwise than meant.
                    errors = errors.Check(prefix + Truncate(property.Name), $"'{Truncate(property.Name)}' is not a job field; a job is {JobFields}.");
                    break;
            }
        }

        var payloadText = Given(payload) ? payload.GetRawText() : null;
        var delayMs = Milliseconds(delay, MaxDelayMs, out var delayError);
        var runAtUtc = Given(runAt) && runAt.ValueKind == JsonValueKind.String && runAt.TryGetDateTimeOffset(out var at) ? at : (DateTimeOffset?)null;
        var maxAttempts = Given(attempts) && attempts.ValueKind == JsonValueKind.Number && attempts.TryGetInt32(out var count) ? count : (int?)null;
        var backoffMs = Milliseconds(backoff, MaxBackoffMs, out var backoffError);
        errors = errors
            .Check(prefix + "payload", PayloadError(payloadText, "payload", options))
            .Check(prefix + "key", Given(key) ? KeyError(key) : null)
            .Check(prefix + "priority", PriorityError(priority, out var jobPriority))
            .Check(prefix + "delayMs", delayError ? $"delayMs is a whole number of milliseconds from 0 to {MaxDelayMs} (365 days)." : null)
            .Check(prefix + "runAtUtc", RunAtError(runAt, runAtUtc, delayMs))
            .Check(prefix + "idempotencyKey", Given(idempotency) && !(idempotency.ValueKind == JsonValueKind.String && QueueLimits.IsValidIdempotencyKey(idempotency.GetString()))
                ? $"An idempotency key of 1-{QueueLimits.MaxIdempotencyKeyLength} characters without control characters, or none."
                : null)
            .Check(prefix + "maxAttempts", Given(attempts) && maxAttempts is not (>= 1 and <= MaxAttempts) ? $"maxAttempts is a whole number from 1 to {MaxAttempts}, or none (the queue's MaxAttempts)." : null)
            .Check(prefix + "backoffMs", backoffError || backoffMs > (long)definition.BackoffMax.TotalMilliseconds
                ? $"backoffMs is a whole number of milliseconds from 0 to the queue's BackoffMax ({(long)definition.BackoffMax.TotalMilliseconds})."
                : null)
            .Check(prefix + "userId", Given(user) && !(user.ValueKind == JsonValueKind.String && QueueLimits.IsValidUserId(user.GetString()))
                ? $"userId is 1-{QueueLimits.MaxUserIdLength} characters of ASCII letters, digits and . _ - : @ (its events go to the topic user:{{userId}}), or none."
                : null);
        return new JobSpec(
            payloadText ?? "null",
            Text(key),
            jobPriority,
            delayMs is { } ms ? TimeSpan.FromMilliseconds(ms) : null,
            runAtUtc,
            Text(idempotency),
            maxAttempts,
            backoffMs is { } backoffValue ? TimeSpan.FromMilliseconds(backoffValue) : null,
            Text(user));
    }

    private const string JobFields = "{payload, key?, priority?, delayMs?, runAtUtc?, idempotencyKey?, maxAttempts?, backoffMs?, userId?}";

    private static string Truncate(string name) => name.Length <= 64 ? name : name[..64] + "...";

    // A string field's value; a field of another type has been refused by its rule.
    private static string? Text(JsonElement value) => value.ValueKind == JsonValueKind.String ? value.GetString() : null;

    private static string? RunAtError(JsonElement runAt, DateTimeOffset? runAtUtc, long? delayMs)
    {
        if (!Given(runAt))
        {
            return null;
        }

        if (runAtUtc is not { } at || at > DateTimeOffset.UtcNow.AddMilliseconds(MaxDelayMs))
        {
            return "runAtUtc is an ISO 8601 time with an offset, e.g. 2026-12-24T09:00:00Z, at most 365 days ahead.";
        }

        return delayMs is null ? null : "Give delayMs or runAtUtc, not both.";
    }

    private static string? PriorityError(JsonElement priority, out JobPriority value)
    {
        value = JobPriority.Normal;
        return !Given(priority) || (priority.ValueKind == JsonValueKind.String && TryPriority(priority.GetString(), out value))
            ? null
            : PriorityRule;
    }

    private static ProblemResult JobNotFound(string queue, string id) =>
        Problems.NotFound($"Queue '{queue}' has no job '{id}' (it never existed, or its retention ran out).");
}
