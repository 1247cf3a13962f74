using System.Text;
using OrleansRedis.Abstractions.Queues;
using OrleansRedis.Redis.Queues;

namespace OrleansRedis.Grains.Queues;

/// <summary>
/// The checks every queue grain applies to its input: each failure is a <see cref="QueueException"/> with
/// <see cref="QueueErrorCode.Invalid"/> naming the field as the HTTP API spells it, thrown before anything changes.
/// </summary>
internal static class QueueRequests
{
    /// <summary>The most jobs one lease call may ask for.</summary>
    public const int MaxLeaseBatch = 1000;

    public static QueueException Invalid(string queue, string field, string message) =>
        new(QueueErrorCode.Invalid, queue, message) { Field = field };

    public static QueueException UnknownQueue(string queue) =>
        new(QueueErrorCode.UnknownQueue, queue, $"The queue '{queue}' is not defined (OrleansRedis:Queues:Definitions).");

    public static QueueException LeaseLost(string queue, string jobId) =>
        new(QueueErrorCode.LeaseLost, queue, $"The lease token no longer holds job '{jobId}': its lease ran out and it was leased again, it was cancelled or finished, or its partition restarted.") { JobId = jobId };

    public static QueueException NotFound(string queue, string jobId) =>
        new(QueueErrorCode.NotFound, queue, $"The queue '{queue}' has no job '{jobId}'.") { JobId = jobId };

    /// <summary>Checks <paramref name="job"/> and turns it into what the enqueue script writes, with a new id of <paramref name="partition"/>.</summary>
    public static QueueJobDraft Draft(string queue, int partition, JobSpec job, QueueDefinition definition, QueueOptions options)
    {
        if (job is null)
        {
            throw Invalid(queue, "job", "A job is required.");
        }

        CheckPayload(queue, "payload", job.Payload, options.MaxPayloadBytes, required: true);
        if (job.Key is not null && !QueueLimits.IsValidKey(job.Key))
        {
            throw Invalid(queue, "key", $"A job key must be 1-{QueueLimits.MaxKeyLength} characters without control characters.");
        }

        if (job.IdempotencyKey is not null && !QueueLimits.IsValidIdempotencyKey(job.IdempotencyKey))
        {
            throw Invalid(queue, "idempotencyKey", $"An idempotency key must be 1-{QueueLimits.MaxIdempotencyKeyLength} characters without control characters.");
        }

        if (job.UserId is not null && !QueueLimits.IsValidUserId(job.UserId))
        {
            throw Invalid(queue, "userId", $"A user id must be 1-{QueueLimits.MaxUserIdLength} characters of ASCII letters, digits and . _ - : @.");
        }

        if (!Enum.IsDefined(job.Priority))
        {
            throw Invalid(queue, "priority", "The priority must be high, normal or low.");
        }

        if (job.Delay is { } delay && (delay < TimeSpan.Zero || delay > TimeSpan.FromDays(365)))
        {
            throw Invalid(queue, "delayMs", $"The delay must be between 0 and 365 days (it was {delay}).");
        }

        if (job.Delay is not null && job.RunAtUtc is not null)
        {
            throw Invalid(queue, "runAtUtc", "Give a delay or a run-at time, not both.");
        }

        if (job.RunAtUtc is { } runAt && (runAt.ToUnixTimeMilliseconds() < 1 || runAt > DateTimeOffset.UtcNow.AddDays(366)))
        {
            throw Invalid(queue, "runAtUtc", "The run-at time must be after 1970 and within a year.");
        }

        if (job.MaxAttempts is < 1 or > 1000)
        {
            throw Invalid(queue, "maxAttempts", $"The max attempts must be between 1 and 1000 (it was {job.MaxAttempts}).");
        }

        if (job.Backoff is { } backoff && (backoff < TimeSpan.Zero || backoff > definition.BackoffMax))
        {
            throw Invalid(queue, "backoffMs", $"The backoff must be between 0 and the queue's BackoffMax ({definition.BackoffMax}) (it was {backoff}).");
        }

        // A run-at time is absolute; one in the past simply makes the job ready now (Redis's clock decides).
        return new QueueJobDraft(
            QueueIds.NewJobId(partition), job.Payload, job.Key, (int)job.Priority, (long)(job.Delay ?? TimeSpan.Zero).TotalMilliseconds,
            job.RunAtUtc?.ToUnixTimeMilliseconds() ?? 0, job.IdempotencyKey, job.MaxAttempts ?? definition.MaxAttempts,
            (long)(job.Backoff ?? definition.BackoffBase).TotalMilliseconds, job.UserId);
    }

    /// <summary>Checks that <paramref name="json"/> is one JSON value of at most <paramref name="maxBytes"/> UTF-8 bytes.</summary>
    public static void CheckPayload(string queue, string field, string? json, int maxBytes, bool required)
    {
        if (json is null)
        {
            if (required)
            {
                throw Invalid(queue, field, $"A {field} (any JSON value) is required.");
            }

            return;
        }

        var bytes = Encoding.UTF8.GetByteCount(json);
        if (bytes > maxBytes)
        {
            throw Invalid(queue, field, $"The {field} must be at most {maxBytes} bytes of UTF-8 JSON (it was {bytes}).");
        }

        if (!JobJson.IsJson(json))
        {
            throw Invalid(queue, field, $"The {field} must be one valid JSON value.");
        }
    }

    /// <summary>
    /// A handler's result as the JSON the job keeps: JSON as it is, any other text as a JSON string; <see langword="null"/>
    /// and an error when it is larger than <paramref name="maxBytes"/> (the attempt fails with that error, rather than a
    /// completion refused again on every redelivery).
    /// </summary>
    public static (string? Json, string? Error) Result(string? result, int maxBytes)
    {
        if (result is null)
        {
            return (null, null);
        }

        var json = JobJson.Result(result)!;
        var bytes = Encoding.UTF8.GetByteCount(json);
        return bytes <= maxBytes
            ? (json, null)
            : (null, $"The handler's result was {bytes} bytes of JSON; a job keeps at most {maxBytes} (Queues:MaxPayloadBytes).");
    }

    public static void CheckWorker(string queue, string? worker)
    {
        if (!QueueLimits.IsValidWorker(worker))
        {
            throw Invalid(queue, "worker", $"A worker name of 1-{QueueLimits.MaxWorkerLength} characters without control characters is required.");
        }
    }

    public static void CheckMax(string queue, int max)
    {
        if (max is < 1 or > MaxLeaseBatch)
        {
            throw Invalid(queue, "max", $"The number of jobs to lease must be between 1 and {MaxLeaseBatch} (it was {max}).");
        }
    }

    /// <summary>The lease in ms: the queue's <c>LeaseTime</c> for zero or null, else 1 s to <c>MaxLeaseTime</c>.</summary>
    public static long LeaseMs(string queue, TimeSpan? lease, QueueDefinition definition)
    {
        if (lease is null || lease == TimeSpan.Zero)
        {
            return (long)definition.LeaseTime.TotalMilliseconds;
        }

        if (lease < TimeSpan.FromSeconds(1) || lease > definition.MaxLeaseTime)
        {
            throw Invalid(queue, "leaseMs", $"The lease must be between 1000 ms and the queue's MaxLeaseTime ({(long)definition.MaxLeaseTime.TotalMilliseconds} ms) (it was {(long)lease.Value.TotalMilliseconds} ms).");
        }

        return (long)lease.Value.TotalMilliseconds;
    }

    /// <summary>The wait cut to <c>Queues:MaxWait</c>; a negative one is refused.</summary>
    public static TimeSpan Wait(string queue, TimeSpan wait, QueueOptions options)
    {
        if (wait < TimeSpan.Zero)
        {
            throw Invalid(queue, "waitMs", $"The wait must not be negative (it was {(long)wait.TotalMilliseconds} ms).");
        }

        return wait > options.MaxWait ? options.MaxWait : wait;
    }

    public static void CheckToken(string queue, string? token)
    {
        if (!QueueLimits.IsValidToken(token))
        {
            throw Invalid(queue, "leaseToken", $"A lease token of 1-{QueueLimits.MaxTokenLength} printable characters is required.");
        }
    }

    public static string Error(string? error) =>
        string.IsNullOrEmpty(error) ? "The job failed without an error message." : error.Length <= QueueLimits.MaxErrorLength ? error : error[..QueueLimits.MaxErrorLength];

    public static void CheckProgress(string queue, string? progress)
    {
        if (progress is { Length: > QueueLimits.MaxProgressLength })
        {
            throw Invalid(queue, "progress", $"The progress must be at most {QueueLimits.MaxProgressLength} characters.");
        }
    }

    public static void CheckRetryAfter(string queue, TimeSpan? retryAfter)
    {
        if (retryAfter is { } r && (r < TimeSpan.Zero || r > TimeSpan.FromDays(7)))
        {
            throw Invalid(queue, "retryAfterMs", $"The retry-after must be between 0 and 7 days (it was {(long)r.TotalMilliseconds} ms).");
        }
    }
}
