using System.Diagnostics;
using Orleans.Core.Internal;
using OrleansRedis.Abstractions.Queues;
using OrleansRedis.Testing;
using OrleansRedis.Tests.Infrastructure;

namespace OrleansRedis.Tests.Queues;

/// <summary>
/// What the wall clock decides: recurring schedules tick once per tick across activations (the idempotency key of a
/// tick dedupes a second enqueue), cron expressions in a time zone and intervals, bad input refused; a long poll is woken
/// by an enqueue or a resume well before its wait or the partition's fallback timer would end it.
/// </summary>
[Collection(WallClockCollection.Name)]
public sealed class QueueScheduleTests(QueueClusterFixture fixture) : IClassFixture<QueueClusterFixture>
{
    private static readonly TimeSpan Long = TimeSpan.FromSeconds(30);
    private static readonly TimeSpan LeaseLong = TimeSpan.FromSeconds(60);

    [Fact]
    public async Task Pause_StopsDelivery_ResumeWakesAWaitingWorker()
    {
        var queue = fixture.Queue(QueueClusterFixture.Single);
        await queue.PauseAsync();
        try
        {
            var id = (await queue.EnqueueAsync(new JobSpec("1", Key: $"pause-{Guid.NewGuid():N}"))).JobId;
            Assert.Empty(await queue.LeaseAsync("w", 10, LeaseLong, TimeSpan.Zero));
            Assert.True((await queue.GetStatsAsync()).Paused);

            var waiting = queue.LeaseAsync("w", 10, LeaseLong, TimeSpan.FromSeconds(15));
            await Task.Delay(300); // the lease starts waiting (if it has not yet, it leases after the resume: same outcome)
            var resumed = Stopwatch.StartNew();
            await queue.ResumeAsync();
            var jobs = await waiting;

            // Woken by the resume, not by the 15 s wait running out (nor the partition's 10 s fallback timer).
            Assert.Contains(jobs, j => j.Id == id);
            Assert.True(resumed.Elapsed < TimeSpan.FromSeconds(5), $"took {resumed.Elapsed}");
            foreach (var job in jobs)
            {
                await queue.CompleteAsync(job.Id, job.LeaseToken);
            }
        }
        finally
        {
            await queue.ResumeAsync();
        }
    }

    [Fact]
    public async Task LongPoll_WokenByEnqueue_NotByTheWaitRunningOut()
    {
        var queue = fixture.Queue(QueueClusterFixture.External);
        var waiting = queue.LeaseAsync("poller", 1, LeaseLong, TimeSpan.FromSeconds(18));
        await Task.Delay(300); // the lease starts waiting (if it has not yet, it finds the job at once: same outcome)
        var enqueued = Stopwatch.StartNew();
        var id = (await queue.EnqueueAsync(new JobSpec("\"wake\"", Key: $"poll-{Guid.NewGuid():N}"))).JobId;

        var jobs = await waiting;

        // Polling at the partition's 10 s fallback or the end of the 18 s wait would both take far longer than 5 s.
        var job = Assert.Single(jobs);
        Assert.Equal(id, job.Id);
        Assert.True(enqueued.Elapsed < TimeSpan.FromSeconds(5), $"woke after {enqueued.Elapsed}");
        await queue.CompleteAsync(id, job.LeaseToken);
    }

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
