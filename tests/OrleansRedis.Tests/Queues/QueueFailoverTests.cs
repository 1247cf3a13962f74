using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Orleans.Core.Internal;
using Orleans.TestingHost;
using OrleansRedis.Abstractions.Queues;
using OrleansRedis.Client.Queues;
using OrleansRedis.Redis.Queues;
using OrleansRedis.Testing;
using OrleansRedis.Tests.Infrastructure;
using OrleansRedis.Tests.Locks;

namespace OrleansRedis.Tests.Queues;

/// <summary>
/// Queues across a Redis restart and a silo kill in the main suite (the fault suite runs the big scenario): dispatch by
/// in-silo handlers and an external worker survives Redis going away (calls during the outage fail typed within a
/// bound) and resumes without restarting a silo; the keeper brings a killed silo's partitions and schedule back on the
/// survivor with no client call, and the schedule enqueues each tick once across both silos' activations. The Redis
/// test leaves the cluster whole; the kill test leaves it one silo short, which the Redis test does not mind.
/// </summary>
[Collection(WallClockCollection.Name)]
public sealed class QueueFailoverTests(QueueFailoverTests.Fixture fixture) : IClassFixture<QueueFailoverTests.Fixture>
{
    private static readonly TimeSpan Long = TimeSpan.FromSeconds(30);

    /// <summary>
    /// Failure detection of the test membership: the missed probes, a probe period of slack and a table refresh.
    /// </summary>
    private static readonly TimeSpan Detection =
        (Setting("ProbeTimeout") * (int.Parse(TestMembership.Settings["OrleansRedis:Cluster:Membership:NumMissedProbesLimit"], CultureInfo.InvariantCulture) + 1))
        + Setting("TableRefreshTimeout");

    [Fact]
    public async Task RedisKilledAndRestarted_WhileHandlersAndAWorkerLease_EveryJobCompletes_OutageCallsUnavailableWithinTenSeconds()
    {
        const int jobs = 120;
        var handled = fixture.Queue(Fixture.Handled);
        var external = fixture.Queue(Fixture.External);
        // 150 ms each at 2 per partition (8 at once) and 4 in the worker: about 2-5 s of work per queue, so the kill
        // lands while both lease, run and report.
        var handledIds = (await handled.EnqueueManyAsync([.. Enumerable.Range(0, jobs).Select(i => new JobSpec("""{"ms":150}""", Key: $"h{i}"))])).Select(r => r.JobId).ToList();
        var externalIds = (await external.EnqueueManyAsync([.. Enumerable.Range(0, jobs).Select(i => new JobSpec($"{i}", Key: $"e{i}"))])).Select(r => r.JobId).ToList();
        var ran = new ConcurrentDictionary<string, int>();
        var worker = QueueWorker.Create(fixture.Grains, Fixture.External, async (job, cancellationToken) =>
        {
            await Task.Delay(150, cancellationToken);
            ran.AddOrUpdate(job.JobId, 1, (_, n) => n + 1);
            return null;
        }, new QueueWorkerOptions { Concurrency = 4, LeaseTime = TimeSpan.FromSeconds(3), RetryDelay = TimeSpan.FromMilliseconds(200), MaxWait = TimeSpan.FromSeconds(2) });
        await worker.StartAsync(CancellationToken.None);
        QueueException enqueueError, statsError, leaseError;
        TimeSpan enqueueTook, statsTook, leaseTook;
        try
        {
            await Eventually.TrueAsync(() => Task.FromResult(Runs(Fixture.Handled).Count >= 10 && !ran.IsEmpty), Long, "both queues run jobs");

            await fixture.Redis.KillAsync();
            try
            {
                (enqueueError, enqueueTook) = await FailsAsync(() => external.EnqueueAsync(new JobSpec("\"refused\"", IdempotencyKey: "during-outage")));
                (statsError, statsTook) = await FailsAsync(handled.GetStatsAsync);
                (leaseError, leaseTook) = await FailsAsync(() => handled.LeaseAsync("outage", 1, TimeSpan.FromSeconds(10), TimeSpan.Zero));
            }
            finally
            {
                await fixture.Redis.RestartAsync();
            }

            // No silo restarts: dispatch and the worker pick up again, and jobs whose reports were lost run again at lease end.
            await Eventually.TrueAsync(async () => await DoneAsync(handled) && await DoneAsync(external), TimeSpan.FromSeconds(60), "every job of both queues completed");
        }
        finally
        {
            await worker.StopAsync(CancellationToken.None);
        }

        // A call that hung would end at the 30 s grain call timeout as a cluster failure, not as Unavailable within 10 s.
        Assert.All(new[] { (enqueueError, enqueueTook), (statsError, statsTook), (leaseError, leaseTook) }, e =>
        {
            Assert.Equal(QueueErrorCode.Unavailable, e.Item1.Code);
            Assert.True(e.Item2 < TimeSpan.FromSeconds(10), $"answered after {e.Item2}");
        });

        // None lost (AOF always: everything acknowledged survived the kill), and the refused enqueue wrote nothing.
        Assert.Equal([.. handledIds.Order()], Runs(Fixture.Handled).Select(r => r.JobId).Distinct().Order());
        Assert.Equal([.. externalIds.Order()], ran.Keys.Order());
        foreach (var (queue, ids) in new[] { (handled, handledIds), (external, externalIds) })
        {
            var stats = await queue.GetStatsAsync();
            Assert.Equal((jobs, 0L, 0L), (stats.Completed, stats.Depth, stats.Dead));
            Assert.All(await Task.WhenAll(ids.Take(20).Select(queue.GetJobAsync)), j => Assert.Equal(JobState.Completed, j!.State));
        }

        Assert.False((await external.EnqueueAsync(new JobSpec("\"after\"", IdempotencyKey: "during-outage"))).Deduplicated);
    }

    [Fact]
    public async Task SiloKilled_KeeperBringsItsPartitionAndScheduleBackOnTheSurvivor_DelayedJobDeliveredWithinDetectionPlusKeeper_EachTickOnce()
    {
        var management = fixture.Grains.GetGrain<IManagementGrain>(0);
        var partition = fixture.Grains.GetGrain<IQueuePartitionGrain>($"{Fixture.Delayed}#0");
        await partition.PingAsync();
        var victim = await management.GetActivationAddress(partition);

        // The schedule grain on the same silo (activated by a call from that silo, which placement prefers): its ticks
        // come from an activation there, then from one on the survivor.
        var schedules = fixture.Grains.GetGrain<IQueueScheduleGrain>(Fixture.Scheduled);
        var fromVictim = fixture.Cluster.GetSiloServiceProvider(victim).GetRequiredService<IGrainFactory>().GetGrain<IQueueScheduleGrain>(Fixture.Scheduled);
        var name = $"tick-{Guid.NewGuid():N}"[..16];
        await schedules.PutAsync(new RecurringSchedule(name, null, null, TimeSpan.FromSeconds(1), "{}", Key: name));
        await Eventually.TrueAsync(async () =>
        {
            if (Equals(await management.GetActivationAddress(schedules), victim))
            {
                return true;
            }

            await schedules.Cast<IGrainManagementExtension>().DeactivateOnIdle();
            await fromVictim.PingAsync();
            return false;
        }, Long, "the schedule grain is active on the partition's silo");
        await Eventually.TrueAsync(() => Task.FromResult(Runs(Fixture.Scheduled).Count(r => r.Key == name) >= 2), Long, "two ticks on the first silo");

        // Due 2 s from now on Redis's clock: after the kill, when no activation of its partition exists.
        var key = Enumerable.Range(0, 1000).Select(i => $"late-{Guid.NewGuid():N}").First(k => QueueIds.PartitionOf(k, Fixture.DelayedPartitions) == 0);
        var id = (await fixture.Queue(Fixture.Delayed).EnqueueAsync(new JobSpec("{}", Key: key, Delay: TimeSpan.FromSeconds(2)))).JobId;
        var killed = Stopwatch.StartNew();
        await fixture.Cluster.KillSiloAsync(fixture.Cluster.GetActiveSilos().Single(s => s.SiloAddress.Equals(victim)));
        var killedAt = await RedisClock.NowAsync(fixture.Database);

        // Nothing calls the delayed queue: only the survivor's keeper can activate the partition again, so without it the
        // job would wait for ever. The bound leaves 5 s for a stalled machine on top of detection and one keeper period.
        await Eventually.TrueAsync(() => Task.FromResult(Runs(Fixture.Delayed).Any(r => r.JobId == id)), Long, "the delayed job runs on the survivor");
        var delivered = killed.Elapsed;
        Assert.True(delivered < Detection + Fixture.KeeperPeriod + TimeSpan.FromSeconds(5), $"delivered {delivered} after the kill (detection {Detection})");

        await Eventually.TrueAsync(async () => (await TicksAsync(name)).Count(t => t > killedAt.ToUnixTimeMilliseconds()) >= 2, Long, "two ticks on the survivor");
        Assert.True(await schedules.RemoveAsync(name));
        var ticks = await TicksAsync(name);
        var jobIds = await Task.WhenAll(ticks.Select(async t =>
            (string)(await fixture.Database.StringGetAsync($"{fixture.PartitionPrefix(Fixture.Scheduled, 0)}dedup:schedule:{name}:{t}"))!));

        // Each tick (a second of Redis time) names one job, and each job is that tick's only one: an activation that
        // enqueued a tick the other one had enqueued would show as a second job of the tick or a run of an unknown job.
        Assert.All(ticks, t => Assert.Equal(0, t % 1000));
        Assert.Equal(ticks.Count, jobIds.Distinct().Count());
        await Eventually.TrueAsync(
            () => Task.FromResult(jobIds.All(j => Runs(Fixture.Scheduled).Any(r => r.JobId == j))), Long, "every tick's job ran");
        Assert.All(Runs(Fixture.Scheduled).Where(r => r.Key == name), r => Assert.Contains(r.JobId, jobIds));
        Assert.Contains(ticks, t => t < killedAt.ToUnixTimeMilliseconds());
        Assert.Equal(ticks.Count, (int)(await fixture.Queue(Fixture.Scheduled).GetStatsAsync()).Enqueued);
    }

    private static TimeSpan Setting(string name) =>
        TimeSpan.Parse(TestMembership.Settings[$"OrleansRedis:Cluster:Membership:{name}"], CultureInfo.InvariantCulture);

    private static List<RecordingHandler.Run> Runs(string queue) => [.. QueueClusterFixture.Recorder.Of(queue)];

    private static async Task<bool> DoneAsync(IQueueGrain queue)
    {
        try
        {
            var stats = await queue.GetStatsAsync();
            return stats.Depth == 0;
        }
        catch (QueueException e) when (e.Code == QueueErrorCode.Unavailable)
        {
            return false;
        }
    }

    private static async Task<(QueueException Error, TimeSpan Took)> FailsAsync<T>(Func<Task<T>> call)
    {
        var timer = Stopwatch.StartNew();
        var error = await Assert.ThrowsAsync<QueueException>(async () => await call());
        return (error, timer.Elapsed);
    }

    private async Task<List<long>> TicksAsync(string name) =>
        [.. (await fixture.ScanKeysAsync($"*dedup:schedule:{name}:*")).Select(k => long.Parse(k[(k.LastIndexOf(':') + 1)..], CultureInfo.InvariantCulture)).Order()];

    /// <summary>
    /// Its own cluster (Redis is killed, a silo is killed), Redis with <c>appendfsync always</c> as in the fault suite,
    /// 3 s leases and a 1 s keeper period.
    /// </summary>
    public sealed class Fixture() : TestClusterFixture("qfail")
    {
        public const string Handled = "fohandled";
        public const string External = "foext";
        public const string Delayed = "fodelay";
        public const string Scheduled = "fosched";
        public const int DelayedPartitions = 4;
        public static readonly TimeSpan KeeperPeriod = TimeSpan.FromSeconds(1);

        public IQueueGrain Queue(string queue) => Grains.GetGrain<IQueueGrain>(queue);

        public StackExchange.Redis.IDatabase Database => RedisConnection.GetDatabase();

        public string PartitionPrefix(string queue, int partition) =>
            FromEachSilo<OrleansRedis.Redis.RedisKeys>()[0].QueuePartition(queue, partition).Prefix;

        /// <inheritdoc />
        protected override string[] RedisArguments => ["--appendfsync", "always"];

        /// <inheritdoc />
        protected override IReadOnlyDictionary<string, string> Settings { get; } = new Dictionary<string, string>
        {
            ["OrleansRedis:Queues:KeeperPeriod"] = KeeperPeriod.ToString(),
            [$"OrleansRedis:Queues:Definitions:{Handled}:Partitions"] = "4",
            [$"OrleansRedis:Queues:Definitions:{Handled}:HandlerConcurrency"] = "2",
            [$"OrleansRedis:Queues:Definitions:{Handled}:LeaseTime"] = "00:00:03",
            [$"OrleansRedis:Queues:Definitions:{Handled}:MaxAttempts"] = "100",
            [$"OrleansRedis:Queues:Definitions:{Handled}:BackoffBase"] = "00:00:00.050",
            [$"OrleansRedis:Queues:Definitions:{Handled}:BackoffMax"] = "00:00:00.200",
            [$"OrleansRedis:Queues:Definitions:{External}:Partitions"] = "2",
            [$"OrleansRedis:Queues:Definitions:{External}:MaxAttempts"] = "100",
            [$"OrleansRedis:Queues:Definitions:{External}:BackoffBase"] = "00:00:00.050",
            [$"OrleansRedis:Queues:Definitions:{External}:BackoffMax"] = "00:00:00.200",
            [$"OrleansRedis:Queues:Definitions:{Delayed}:Partitions"] = DelayedPartitions.ToString(CultureInfo.InvariantCulture),
            [$"OrleansRedis:Queues:Definitions:{Scheduled}:Partitions"] = "1",
        };

        /// <inheritdoc />
        protected override void ConfigureCluster(TestClusterBuilder builder) => builder.AddSiloBuilderConfigurator<Handlers>();

        /// <summary>Registers the recording handler for the handled, delayed and scheduled queues.</summary>
        public sealed class Handlers : ISiloConfigurator
        {
            /// <inheritdoc />
            public void Configure(ISiloBuilder siloBuilder) => siloBuilder
                .AddOrleansRedisQueueHandler<RecordingHandler>(Handled)
                .AddOrleansRedisQueueHandler<RecordingHandler>(Delayed)
                .AddOrleansRedisQueueHandler<RecordingHandler>(Scheduled);
        }
    }
}
