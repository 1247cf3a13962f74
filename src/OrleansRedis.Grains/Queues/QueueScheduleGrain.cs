using System.Text.Json;
using System.Text.Json.Serialization;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Orleans.Concurrency;
using OrleansRedis.Abstractions.Queues;
using OrleansRedis.Redis.Queues;

namespace OrleansRedis.Grains.Queues;

/// <summary>
/// The recurring schedules of one queue; see <see cref="IQueueScheduleGrain"/>. Schedules and each one's last tick
/// live in Redis; a one-shot timer wakes the grain at the next tick, which enqueues with the idempotency key
/// <c>schedule:{name}:{tickUnixMs}</c> and then moves the last tick forward, so a second activation, a restart or a
/// retried tick never enqueues the same tick twice. Ticks missed while no activation ran are enqueued when the grain
/// wakes, those within the queue's <see cref="QueueDefinition.ScheduleCatchUp"/> each, older ones only as the latest.
/// </summary>
[GrainType("queue-schedules")]
[Reentrant]
public sealed partial class QueueScheduleGrain(
    QueueStore store,
    IOptions<QueueOptions> options,
    TimeProvider time,
    ILogger<QueueScheduleGrain> logger) : Grain, IQueueScheduleGrain
{
    private static readonly TimeSpan LongestSleep = TimeSpan.FromMinutes(1);
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web) { DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull };

    private readonly Dictionary<string, Entry> _schedules = new(StringComparer.Ordinal);
    private Task? _loaded;
    private IGrainTimer? _timer;
    private bool _ticking;
    private bool _retrySoon;
    private long _clockOffsetMs;

    /// <inheritdoc />
    public async Task<RecurringSchedule> PutAsync(RecurringSchedule schedule)
    {
        var (name, _) = Find();
        if (schedule is null || !QueueLimits.IsValidScheduleName(schedule.Name))
        {
            throw QueueRequests.Invalid(name, "name", $"A schedule name of 1-{QueueLimits.MaxScheduleNameLength} characters of ASCII letters, digits, '.', '_' or '-' is required.");
        }

        var clock = QueueScheduleClock.Create(name, schedule);
        QueueRequests.CheckPayload(name, "payload", schedule.Payload, options.Value.MaxPayloadBytes, required: true);
        if (schedule.Key is not null && !QueueLimits.IsValidKey(schedule.Key))
        {
            throw QueueRequests.Invalid(name, "key", $"A job key must be 1-{QueueLimits.MaxKeyLength} characters without control characters.");
        }

        if (!Enum.IsDefined(schedule.Priority))
        {
            throw QueueRequests.Invalid(name, "priority", "The priority must be high, normal or low.");
        }

        await LoadAsync();
        var stored = new Stored(schedule.Cron, schedule.TimeZone, (long?)schedule.Interval?.TotalMilliseconds, schedule.Payload, schedule.Key, schedule.Priority);
        // A replaced schedule keeps its last tick as the baseline, so a tick of the new clock that is due is not skipped.
        var baselineMs = _schedules.TryGetValue(schedule.Name, out var replaced) ? replaced.LastTickMs : await RedisNowAsync();
        await store.WriteScheduleAsync(name, schedule.Name, JsonSerializer.Serialize(stored, Json), baselineMs);
        var entry = new Entry(schedule.Name, stored, clock, baselineMs);
        _schedules[schedule.Name] = entry;
        Arm();
        return entry.ToSchedule();
    }

    /// <inheritdoc />
    public async Task<bool> RemoveAsync(string name)
    {
        var (queue, _) = Find();
        if (!QueueLimits.IsValidScheduleName(name))
        {
            return false;
        }

        await LoadAsync();
        _schedules.Remove(name);
        return await store.DeleteScheduleAsync(queue, name);
    }

    /// <inheritdoc />
    public async Task<IReadOnlyList<RecurringSchedule>> ListAsync()
    {
        _ = Find();
        await LoadAsync();
        return [.. _schedules.Values.OrderBy(e => e.Name, StringComparer.Ordinal).Select(e => e.ToSchedule())];
    }

    /// <inheritdoc />
    public async Task PingAsync()
    {
        _ = Find();
        await LoadAsync();
    }

    /// <inheritdoc />
    public override Task OnDeactivateAsync(DeactivationReason reason, CancellationToken cancellationToken)
    {
        _timer?.Dispose();
        return Task.CompletedTask;
    }

    private (string Name, QueueDefinition Definition) Find()
    {
        var name = this.GetPrimaryKeyString();
        return options.Value.Find(name) ?? throw QueueRequests.UnknownQueue(name);
    }

    private Task LoadAsync()
    {
        if (_loaded is null || _loaded.IsFaulted || _loaded.IsCanceled)
        {
            _loaded = LoadCoreAsync();
        }

        return _loaded;
    }

    private async Task LoadCoreAsync()
    {
        var (queue, _) = Find();
        var nowMs = await RedisNowAsync();
        foreach (var (name, json, last) in await store.ReadSchedulesAsync(queue))
        {
            try
            {
                var stored = JsonSerializer.Deserialize<Stored>(json, Json)!;
                var clock = QueueScheduleClock.Create(queue, stored.ToSchedule(name));
                _schedules[name] = new Entry(name, stored, clock, last ?? nowMs);
            }
            catch (Exception ex) when (ex is JsonException or QueueException)
            {
                LogBadSchedule(ex, queue, name);
            }
        }

        await TickAsync();
    }

    private async Task TickAsync()
    {
        if (_ticking)
        {
            return;
        }

        _ticking = true;
        try
        {
            var (queue, definition) = Find();
            var router = GrainFactory.GetGrain<IQueueGrain>(queue);
            var nowMs = await RedisNowAsync();
            var catchUpMs = (long)definition.ScheduleCatchUp.TotalMilliseconds;
            _retrySoon = false;
            foreach (var entry in _schedules.Values.ToList())
            {
                var ticks = entry.Clock.DueTicks(entry.LastTickMs, nowMs, catchUpMs, options.Value.MaxBulk, out var more);
                if (ticks.Count == 0)
                {
                    continue;
                }

                try
                {
                    var s = entry.Stored;
                    var results = await router.EnqueueManyAsync(
                        [.. ticks.Select(tick => new JobSpec(s.Payload, s.Key, s.Priority, IdempotencyKey: $"schedule:{entry.Name}:{tick}"))]);
                    entry.LastTickMs = await store.AdvanceTickAsync(queue, entry.Name, ticks[^1]);
                    LogTicked(queue, entry.Name, ticks.Count, ticks[^1], results[^1].JobId, results.Count(r => r.Deduplicated));
                    _retrySoon |= more;
                }
                catch (Exception ex)
                {
                    // Tried again at the next wake-up; the idempotency keys keep a retried tick single.
                    LogTickFailed(ex, queue, entry.Name, ticks[^1]);
                    _retrySoon = true;
                }
            }
        }
        finally
        {
            _ticking = false;
            Arm();
        }
    }

    // Dueness is Redis's clock (as every job time is), read at each tick; between ticks the silo's clock plus the offset
    // last seen times the timer. A Redis that cannot be reached leaves the last offset (the tick's enqueue fails anyway).
    private async Task<long> RedisNowAsync()
    {
        try
        {
            var redisMs = await store.RedisNowMsAsync();
            _clockOffsetMs = redisMs - time.GetUtcNow().ToUnixTimeMilliseconds();
            return redisMs;
        }
        catch (Exception ex) when (ex is StackExchange.Redis.RedisException or TimeoutException)
        {
            return time.GetUtcNow().ToUnixTimeMilliseconds() + _clockOffsetMs;
        }
    }

    private void Arm()
    {
        var nowMs = time.GetUtcNow().ToUnixTimeMilliseconds() + _clockOffsetMs;
        var next = _schedules.Values.Select(e => e.Clock.Next(Math.Max(e.LastTickMs, nowMs - 1)) ?? long.MaxValue).DefaultIfEmpty(long.MaxValue).Min();
        if (_retrySoon)
        {
            next = Math.Min(next, nowMs + 1000);
        }

        if (next == long.MaxValue && _timer is null)
        {
            return;
        }

        var sleep = TimeSpan.FromMilliseconds(Math.Clamp(next - nowMs, 1, (long)LongestSleep.TotalMilliseconds));
        if (_timer is null)
        {
            _timer = this.RegisterGrainTimer(
                static (grain, _) => grain.TickAsync(), this,
                new GrainTimerCreationOptions(sleep, Timeout.InfiniteTimeSpan) { Interleave = true, KeepAlive = false });
        }
        else
        {
            _timer.Change(sleep, Timeout.InfiniteTimeSpan);
        }
    }

    private sealed class Entry(string name, Stored stored, QueueScheduleClock clock, long lastTickMs)
    {
        public string Name { get; } = name;

        public Stored Stored { get; } = stored;

        public QueueScheduleClock Clock { get; } = clock;

        public long LastTickMs { get; set; } = lastTickMs;

        public RecurringSchedule ToSchedule()
        {
            var next = Clock.Next(LastTickMs);
            return Stored.ToSchedule(Name) with
            {
                NextTickUtc = next is { } n ? DateTimeOffset.FromUnixTimeMilliseconds(n) : null,
                LastTickUtc = DateTimeOffset.FromUnixTimeMilliseconds(LastTickMs),
            };
        }
    }

    /// <summary>A schedule as kept in Redis (JSON).</summary>
    internal sealed record Stored(string? Cron, string? TimeZone, long? IntervalMs, string Payload, string? Key, JobPriority Priority)
    {
        public RecurringSchedule ToSchedule(string name) =>
            new(name, Cron, TimeZone, IntervalMs is { } ms ? TimeSpan.FromMilliseconds(ms) : null, Payload, Key, Priority);
    }

    [LoggerMessage(Level = LogLevel.Debug, Message = "Queue {Queue} schedule {Schedule}: {Count} ticks up to {Tick} enqueued, the last as {JobId} ({Deduplicated} deduplicated).")]
    private partial void LogTicked(string queue, string schedule, int count, long tick, string jobId, int deduplicated);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Queue {Queue} schedule {Schedule}: tick {Tick} could not be enqueued; trying again.")]
    private partial void LogTickFailed(Exception exception, string queue, string schedule, long tick);

    [LoggerMessage(Level = LogLevel.Error, Message = "Queue {Queue} schedule {Schedule} in Redis cannot be read; it is skipped.")]
    private partial void LogBadSchedule(Exception exception, string queue, string schedule);
}
