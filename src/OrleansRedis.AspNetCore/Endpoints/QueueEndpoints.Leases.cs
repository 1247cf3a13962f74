using Microsoft.Extensions.Options;
using OrleansRedis.Abstractions.Queues;
using OrleansRedis.Grains.Queues;
using OrleansRedis.AspNetCore.Errors;

namespace OrleansRedis.AspNetCore.Endpoints;

// External workers: lease (long poll), heartbeat, complete, fail, release. A stale lease token is a 409 from the exception table.
public static partial class QueueEndpoints
{
    private static async Task<IResult> LeaseAsync(
        string queue, LeaseRequest body, IGrainFactory grains, IOptions<QueueOptions> options, TimeProvider time, HttpContext http)
    {
        var settings = options.Value;
        if (Find(queue, settings, out var name, out var definition) is { } refused)
        {
            return refused;
        }

        var invalid = new FieldErrors()
            .Check("worker", QueueLimits.IsValidWorker(body.Worker) ? null : $"A worker name of 1-{QueueLimits.MaxWorkerLength} characters without control characters is required.")
            .Check("max", body.Max is null or (>= 1 and <= MaxLeaseBatch) ? null : $"max must be a whole number from 1 to {MaxLeaseBatch}.")
            .Check("leaseMs", LeaseError(body.LeaseMs, definition))
            .Check("waitMs", WaitError(body.WaitMs, settings))
            .Problem();
        if (invalid is not null)
        {
            return invalid;
        }

        // A disconnect cuts the wait, never a call that leases; jobs leased as it happened are released.
        var jobs = await grains.GetGrain<IQueueGrain>(name).LeaseAsync(
            body.Worker!, body.Max ?? 1, Lease(body.LeaseMs) ?? TimeSpan.Zero, TimeSpan.FromMilliseconds(body.WaitMs ?? 0), time, http.RequestAborted);
        return Results.Ok(new LeasesResponse([.. jobs.Select(Leased)]));
    }

    private static async Task<IResult> HeartbeatAsync(string queue, string id, HeartbeatRequest body, IGrainFactory grains, IOptions<QueueOptions> options)
    {
        if (Find(queue, options.Value, out var name, out var definition) is { } refused)
        {
            return refused;
        }

        var progress = JsonText(body.Progress);
        var invalid = new FieldErrors()
            .Check("id", JobIdError(id))
            .Check("leaseToken", TokenError(body.LeaseToken))
            .Check("leaseMs", LeaseError(body.LeaseMs, definition))
            .Check("progress", progress is { Length: > QueueLimits.MaxProgressLength }
                ? $"progress is any JSON value of at most {QueueLimits.MaxProgressLength} characters."
                : null)
            .Problem();
        if (invalid is not null)
        {
            return invalid;
        }

        var expiresAt = await grains.GetGrain<IQueueGrain>(name).HeartbeatAsync(id, body.LeaseToken!, Lease(body.LeaseMs), progress);
        return Results.Ok(new HeartbeatResponse(expiresAt));
    }

    private static async Task<IResult> CompleteAsync(string queue, string id, CompleteRequest body, IGrainFactory grains, IOptions<QueueOptions> options)
    {
        var settings = options.Value;
        if (Find(queue, settings, out var name, out _) is { } refused)
        {
            return refused;
        }

        var result = JsonText(body.Result);
        var invalid = new FieldErrors()
            .Check("id", JobIdError(id))
            .Check("leaseToken", TokenError(body.LeaseToken))
            .Check("result", PayloadError(result, "result", settings, required: false))
            .Problem();
        if (invalid is not null)
        {
            return invalid;
        }

        await grains.GetGrain<IQueueGrain>(name).CompleteAsync(id, body.LeaseToken!, result);
        return Results.NoContent();
    }

    private static async Task<IResult> FailAsync(string queue, string id, FailRequest body, IGrainFactory grains, IOptions<QueueOptions> options)
    {
        if (Find(queue, options.Value, out var name, out _) is { } refused)
        {
            return refused;
        }

        var invalid = new FieldErrors()
            .Check("id", JobIdError(id))
            .Check("leaseToken", TokenError(body.LeaseToken))
            .Check("error", string.IsNullOrWhiteSpace(body.Error) ? "error is required: what went wrong (kept with the job, cut at 8 KiB)." : null)
            .Check("retryAfterMs", body.RetryAfterMs is null or (>= 0 and <= MaxBackoffMs)
                ? null
                : $"retryAfterMs is a whole number of milliseconds from 0 to {MaxBackoffMs} (7 days), or absent for the queue's backoff.")
            .Problem();
        if (invalid is not null)
        {
            return invalid;
        }

        var failed = await grains.GetGrain<IQueueGrain>(name).FailAsync(
            id, body.LeaseToken!, body.Error!, body.RetryAfterMs is { } ms ? TimeSpan.FromMilliseconds(ms) : null);
        return Results.Ok(new FailResponse(failed.State, failed.NextAttemptAtUtc));
    }

    private static async Task<IResult> ReleaseAsync(string queue, string id, ReleaseRequest body, IGrainFactory grains, IOptions<QueueOptions> options)
    {
        if (Find(queue, options.Value, out var name, out _) is { } refused)
        {
            return refused;
        }

        var invalid = new FieldErrors()
            .Check("id", JobIdError(id))
            .Check("leaseToken", TokenError(body.LeaseToken))
            .Problem();
        if (invalid is not null)
        {
            return invalid;
        }

        await grains.GetGrain<IQueueGrain>(name).ReleaseAsync(id, body.LeaseToken!);
        return Results.NoContent();
    }

    private static TimeSpan? Lease(long? leaseMs) => leaseMs is { } ms ? TimeSpan.FromMilliseconds(ms) : null;
}
