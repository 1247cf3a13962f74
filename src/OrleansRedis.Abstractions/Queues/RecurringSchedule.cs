namespace OrleansRedis.Abstractions.Queues;

/// <summary>
/// A recurring job: either a cron expression (five fields, or six with seconds; Cronos syntax) in a time zone, or a
/// fixed interval. Each tick enqueues one job, once across the cluster.
/// </summary>
/// <param name="Name">The schedule's name within its queue (the rules of <see cref="QueueLimits.IsValidScheduleName"/>).</param>
/// <param name="Cron">The cron expression, or <see langword="null"/> with <see cref="Interval"/>.</param>
/// <param name="TimeZone">An IANA or Windows time-zone id for <see cref="Cron"/>; UTC when not given.</param>
/// <param name="Interval">The period (at least 1 s), or <see langword="null"/> with <see cref="Cron"/>.</param>
/// <param name="Payload">The JSON payload of each job.</param>
/// <param name="Key">The order key of each job, when wanted.</param>
/// <param name="Priority">The priority of each job.</param>
/// <param name="NextTickUtc">When the next job is enqueued (filled in by the grain; ignored on input).</param>
/// <param name="LastTickUtc">The last tick enqueued (filled in by the grain; ignored on input).</param>
[GenerateSerializer, Immutable, Alias("orleansredis.queue.schedule")]
public sealed record RecurringSchedule(
    string Name,
    string? Cron,
    string? TimeZone,
    TimeSpan? Interval,
    string Payload,
    string? Key = null,
    JobPriority Priority = JobPriority.Normal,
    DateTimeOffset? NextTickUtc = null,
    DateTimeOffset? LastTickUtc = null);
