using Orleans.Core.Internal;
using OrleansRedis.Abstractions.Queues;
using OrleansRedis.Testing;
using OrleansRedis.Tests.Infrastructure;

namespace OrleansRedis.Tests.Queues;

/// <summary>
/// Recurring schedules tick by the wall clock: once per tick across activations (the idempotency key of a tick dedupes
/// a second enqueue), cron expressions in a time zone and intervals, bad input refused.
/// </summary>
[Collection(WallClockCollection.Name)]
public sealed class QueueScheduleTests(QueueClusterFixture fixture) : IClassFixture<QueueClusterFixture>
{
    private static readonly TimeSpan Long = TimeSpan.FromSeconds(30);

    [Fact]
    public async Task IntervalSchedule_AcrossAReactivation_EnqueuesEachTickExactlyOnce()
    {
        var name = $"every-second-{Guid.NewGuid():N}"[..20];
        var schedules = fixture.Grains.GetGrain<IQueueScheduleGrain>(QueueClusterFixture.Scheduled);
        var put = await schedules.PutAsync(new RecurringSchedule(name, null, null, TimeSpan.FromSeconds(1), "{}", Key: name));
        Assert.Equal(0, put.NextTickUtc!.Value.ToUnixTimeMilliseconds() % 1000);

        await Eventually.TrueAsync(() => Task.FromResult(Runs(name).Count >= 3), Long, "three ticks ran");
        await schedules.Cast<IGrainManagementExtension>().DeactivateOnIdle();
        await schedules.PingAsync();
        var before = Runs(name).Count;
        await Eventually.TrueAsync(() => Task.FromResult(Runs(name).Count >= before + 3), Long, "three more ticks after the reactivation");
        Assert.True(await schedules.RemoveAsync(name));

        // Each tick has one idempotency key (schedule:{name}:{tick}) naming one job, and each job ran once: no tick was
        // enqueued twice by the two activations.
        var ticks = await TicksAsync(name);
        var runs = Runs(name);
        Assert.All(ticks, t => Assert.Equal(0, t % 1000));
        Assert.Equal(runs.Select(r => r.JobId).Distinct().Count(), runs.Count);
        Assert.True(runs.Count <= ticks.Count, $"{runs.Count} runs for {ticks.Count} ticks");
        var racing = await fixture.Queue(QueueClusterFixture.Scheduled).EnqueueAsync(new JobSpec("{}", Key: name, IdempotencyKey: $"schedule:{name}:{ticks.Max()}"));
        Assert.True(racing.Deduplicated);
    }

    [Fact]
    public async Task CronSchedule_InATimeZone_TicksOnItsOccurrences()
    {
        var schedules = fixture.Grains.GetGrain<IQueueScheduleGrain>(QueueClusterFixture.Scheduled);
        var name = $"cron-{Guid.NewGuid():N}"[..16];

        var daily = await schedules.PutAsync(new RecurringSchedule($"{name}-daily", "0 9 * * *", "Europe/Paris", null, "{}"));
        var paris = TimeZoneInfo.FindSystemTimeZoneById("Europe/Paris");
        var local = TimeZoneInfo.ConvertTime(daily.NextTickUtc!.Value, paris);
        Assert.Equal((9, 0, 0), (local.Hour, local.Minute, local.Second));
        Assert.True(daily.NextTickUtc > DateTimeOffset.UtcNow && daily.NextTickUtc <= DateTimeOffset.UtcNow.AddDays(1));

        await schedules.PutAsync(new RecurringSchedule(name, "*/2 * * * * *", "Europe/Paris", null, "{}", Key: name));
        await Eventually.TrueAsync(() => Task.FromResult(Runs(name).Count >= 2), Long, "two cron ticks ran");
        Assert.True(await schedules.RemoveAsync(name));
        Assert.True(await schedules.RemoveAsync($"{name}-daily"));
        Assert.All(await TicksAsync(name), t => Assert.Equal(0, t % 2000));
        Assert.DoesNotContain(await schedules.ListAsync(), s => s.Name.StartsWith(name, StringComparison.Ordinal));
    }

    [Theory]
    [InlineData("not a cron", null, null, "cron")]
    [InlineData("0 9 * * *", "Mars/Olympus", null, "timeZone")]
    [InlineData(null, null, 10, "intervalMs")]
    [InlineData(null, null, null, "cron")]
    public async Task BadSchedule_RefusedNamingTheField(string? cron, string? zone, int? intervalMs, string field)
    {
        var schedules = fixture.Grains.GetGrain<IQueueScheduleGrain>(QueueClusterFixture.Scheduled);

        var error = await Assert.ThrowsAsync<QueueException>(() => schedules.PutAsync(
            new RecurringSchedule("bad", cron, zone, intervalMs is { } ms ? TimeSpan.FromMilliseconds(ms) : null, "{}")));

        Assert.Equal((QueueErrorCode.Invalid, field), (error.Code, error.Field));
    }

    private static List<RecordingHandler.Run> Runs(string key) =>
        [.. QueueClusterFixture.Recorder.Of(QueueClusterFixture.Scheduled).Where(r => r.Key == key)];

    private async Task<List<long>> TicksAsync(string name)
    {
        var server = fixture.RedisConnection.GetServers()[0];
        var ticks = new List<long>();
        await foreach (var key in server.KeysAsync(pattern: $"*dedup:schedule:{name}:*"))
        {
            ticks.Add(long.Parse(key.ToString()[(key.ToString().LastIndexOf(':') + 1)..], System.Globalization.CultureInfo.InvariantCulture));
        }

        Assert.NotEmpty(ticks);
        return ticks;
    }
}
