using System.Globalization;
using Microsoft.Extensions.Options;
using OrleansRedis.Abstractions.Queues;
using OrleansRedis.Grains.Queues;
using OrleansRedis.AspNetCore.Errors;

namespace OrleansRedis.AspNetCore.Endpoints;

// Operators: stats, pause and resume, dead letters, recurring schedules (admin where they change state).
public static partial class QueueEndpoints
{
    private static async Task<IResult> StatsAsync(string queue, IGrainFactory grains, IOptions<QueueOptions> options) =>
        Find(queue, options.Value, out var name, out _)
        ?? Results.Ok(Stats(await grains.GetGrain<IQueueGrain>(name).GetStatsAsync()));

    private static async Task<IResult> PauseAsync(string queue, IGrainFactory grains, IOptions<QueueOptions> options)
    {
        if (Find(queue, options.Value, out var name, out _) is { } refused)
        {
            return refused;
        }

        await grains.GetGrain<IQueueGrain>(name).PauseAsync();
        return Results.NoContent();
    }

    private static async Task<IResult> ResumeAsync(string queue, IGrainFactory grains, IOptions<QueueOptions> options)
    {
        if (Find(queue, options.Value, out var name, out _) is { } refused)
        {
            return refused;
        }

        await grains.GetGrain<IQueueGrain>(name).ResumeAsync();
        return Results.NoContent();
    }

    private static async Task<IResult> DeadAsync(string queue, string? limit, IGrainFactory grains, IOptions<QueueOptions> options)
    {
        var count = 100;
        if ((Find(queue, options.Value, out var name, out _)
            ?? new FieldErrors().Check("limit", CountError("limit", limit, MaxDeadLimit, ref count)).Problem()) is { } refused)
        {
            return refused;
        }

        var dead = await grains.GetGrain<IQueueGrain>(name).GetDeadAsync(count);
        return Results.Ok(new DeadJobsResponse([.. dead.Select(Dead)]));
    }

    private static async Task<IResult> RetryDeadAsync(string queue, string id, IGrainFactory grains, IOptions<QueueOptions> options)
    {
        if ((Find(queue, options.Value, out var name, out _) ?? new FieldErrors().Check("id", JobIdError(id)).Problem()) is { } refused)
        {
            return refused;
        }

        return await grains.GetGrain<IQueueGrain>(name).RetryDeadAsync(id)
            ? Results.NoContent()
            : Problems.NotFound($"Queue '{name}' has no dead job '{id}'.");
    }

    private static async Task<IResult> PurgeDeadAsync(string queue, string? olderThanUtc, IGrainFactory grains, IOptions<QueueOptions> options)
    {
        DateTimeOffset? before = null;
        if ((Find(queue, options.Value, out var name, out _)
            ?? new FieldErrors().Check("olderThanUtc", InstantError(olderThanUtc, ref before)).Problem()) is { } refused)
        {
            return refused;
        }

        return Results.Ok(new PurgedResponse(await grains.GetGrain<IQueueGrain>(name).PurgeDeadAsync(before)));
    }

    private static async Task<IResult> SchedulesAsync(string queue, IGrainFactory grains, IOptions<QueueOptions> options)
    {
        if (Find(queue, options.Value, out var name, out _) is { } refused)
        {
            return refused;
        }

        var schedules = await grains.GetGrain<IQueueScheduleGrain>(name).ListAsync();
        return Results.Ok(new SchedulesResponse([.. schedules.Select(Schedule)]));
    }

    private static async Task<IResult> PutScheduleAsync(string queue, string name, ScheduleRequest body, IGrainFactory grains, IOptions<QueueOptions> options)
    {
        var settings = options.Value;
        if (Find(queue, settings, out var declared, out _) is { } refused)
        {
            return refused;
        }

        var payload = JsonText(body.Payload);
        var invalid = new FieldErrors()
            .Check("name", ScheduleNameError(name))
            .Check("cron", (body.Cron, body.IntervalMs) switch
            {
                (null, null) or (not null, not null) => "Give either cron (with timeZone) or intervalMs.",
                ({ Length: 0 or > MaxCronLength }, _) => $"A cron expression of 1-{MaxCronLength} characters: five fields, or six with seconds.",
                _ => null,
            })
            .Check("timeZone", body.TimeZone is { Length: 0 or > MaxTimeZoneLength } || (body.TimeZone is not null && body.Cron is null)
                ? $"timeZone is an IANA time-zone id of at most {MaxTimeZoneLength} characters, given with cron only."
                : null)
            .Check("intervalMs", body.IntervalMs is < MinLeaseMs or > MaxDelayMs ? $"intervalMs is a whole number from {MinLeaseMs} to {MaxDelayMs}." : null)
            .Check("payload", PayloadError(payload, "payload", settings))
            .Check("key", KeyError(body.Key))
            .Check("priority", PriorityError(body.Priority, out var priority))
            .Problem();
        if (invalid is not null)
        {
            return invalid;
        }

        // The grain parses the cron expression and the time zone (Cronos): a bad one is a 400 naming cron or timeZone.
        var schedule = await grains.GetGrain<IQueueScheduleGrain>(declared).PutAsync(new RecurringSchedule(
            name, body.Cron, body.TimeZone, body.IntervalMs is { } ms ? TimeSpan.FromMilliseconds(ms) : null, payload!, body.Key, priority));
        return Results.Ok(Schedule(schedule));
    }

    private static async Task<IResult> DeleteScheduleAsync(string queue, string name, IGrainFactory grains, IOptions<QueueOptions> options)
    {
        if ((Find(queue, options.Value, out var declared, out _) ?? new FieldErrors().Check("name", ScheduleNameError(name)).Problem()) is { } refused)
        {
            return refused;
        }

        return await grains.GetGrain<IQueueScheduleGrain>(declared).RemoveAsync(name)
            ? Results.NoContent()
            : Problems.NotFound($"Queue '{declared}' has no schedule '{name}'.");
    }

    private const int MaxCronLength = 256;

    private const int MaxTimeZoneLength = 128;

    private static string? InstantError(string? text, ref DateTimeOffset? value)
    {
        if (text is null)
        {
            return null;
        }

        if (text.Length <= 64 && DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var parsed))
        {
            value = parsed;
            return null;
        }

        return "olderThanUtc is an ISO 8601 time, e.g. 2030-01-01T00:00:00Z, or absent to purge every dead job.";
    }

    private static string? ScheduleNameError(string name) => QueueLimits.IsValidScheduleName(name)
        ? null
        : $"A schedule name of 1-{QueueLimits.MaxScheduleNameLength} characters of ASCII letters, digits, '.', '_' or '-' is required.";
}
