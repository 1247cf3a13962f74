using System.Diagnostics;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;
using OrleansRedis.Abstractions.Queues;
using OrleansRedis.Client.Queues;
using OrleansRedis.Testing;
using OrleansRedis.Tests.Locks;

namespace OrleansRedis.Tests.Queues;

/// <summary>
/// The .NET <see cref="QueueWorker"/> against a real cluster: concurrency, heartbeats on a <see cref="FakeTimeProvider"/>
/// (leases are 30 s of Redis time, so a stalled machine delays a test but cannot change what it decides), retries of a
/// throwing handler, and both ends of a stop (drained, returned). Each test has a queue of its own.
/// </summary>
public sealed class QueueWorkerTests(QueueWorkerClusterFixture fixture) : IClassFixture<QueueWorkerClusterFixture>
{
    private static readonly TimeSpan Long = TimeSpan.FromSeconds(30);

    [Fact]
    public async Task Worker_Concurrency3_RunsThreeAtOnceLeasesNoMoreAndCompletesAll()
    {
        const string queue = "wconc";
        var gate = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var running = 0;
        var most = 0;
        var worker = QueueWorker.Create(fixture.Grains, queue, async (job, cancellationToken) =>
        {
            var now = Interlocked.Increment(ref running);
            InterlockedMax(ref most, now);
            await gate.Task.WaitAsync(cancellationToken);
            Interlocked.Decrement(ref running);
            return $"\"{job.JobId}\"";
        }, new QueueWorkerOptions { Concurrency = 3 });
        var ids = (await Queue(queue).EnqueueManyAsync([.. Enumerable.Range(0, 12).Select(i => new JobSpec($"{i}"))])).Select(r => r.JobId).ToList();

        await worker.StartAsync(CancellationToken.None);
        QueueStats busy;
        try
        {
            await Eventually.TrueAsync(() => Task.FromResult(Volatile.Read(ref running) == 3), Long, "three jobs run");
            busy = await Queue(queue).GetStatsAsync();
            gate.SetResult();
            await Eventually.TrueAsync(() => Task.FromResult(worker.Completed == 12), Long, "all twelve complete");
        }
        finally
        {
            await worker.StopAsync(CancellationToken.None);
        }

        // A worker that leased ahead of its free slots would hold more than three active jobs here.
        Assert.Equal((3L, 9L), (busy.Active, busy.Waiting));
        Assert.Equal(3, Volatile.Read(ref most));
        foreach (var id in ids)
        {
            var job = (await Queue(queue).GetJobAsync(id))!;
            Assert.Equal((JobState.Completed, 1, $"\"{id}\""), (job.State, job.Attempts, job.Result));
        }
    }

    [Fact]
    public async Task Worker_EveryPartitionHasABacklog_ItsSlotsSpreadOverThePartitions()
    {
        const string queue = "wspread";
        var gate = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var started = new System.Collections.Concurrent.ConcurrentQueue<string>();
        var worker = QueueWorker.Create(fixture.Grains, queue, async (job, cancellationToken) =>
        {
            started.Enqueue(job.JobId);
            await gate.Task.WaitAsync(cancellationToken);
            return null;
        }, new QueueWorkerOptions { Concurrency = 4 });
        var ids = (await Queue(queue).EnqueueManyAsync([.. Enumerable.Range(0, 16).Select(i => new JobSpec($"{i}"))])).Select(r => r.JobId).ToList();
        // Jobs without a key go round the two partitions: each holds more than the worker's four slots.
        Assert.Equal([8, 8], ids.GroupBy(PartitionOf).Select(g => g.Count()));

        await worker.StartAsync(CancellationToken.None);
        string[] first;
        try
        {
            await Eventually.TrueAsync(() => Task.FromResult(started.Count == 4), Long, "four jobs run");
            first = [.. started];
            gate.SetResult();
            await Eventually.TrueAsync(() => Task.FromResult(worker.Completed == 16), Long, "all sixteen complete");
        }
        finally
        {
            await worker.StopAsync(CancellationToken.None);
        }

        // Taken all from the first partition with four ready, the slots would keep to it while it has jobs ready.
        Assert.Equal([(0, 2), (1, 2)], first.GroupBy(PartitionOf).Select(g => (g.Key, g.Count())).OrderBy(p => p.Key));
        Assert.Equal((0L, 0L), (worker.LeasesLost, worker.Returned));
    }

    [Fact]
    public async Task Worker_JobLongerThanSeveralHeartbeats_HeartbeatsExtendTheLeaseAndReportProgress()
    {
        const string queue = "wbeat";
        var time = new FakeTimeProvider(DateTimeOffset.UtcNow);
        var interval = TimeSpan.FromSeconds(5);
        var started = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var gate = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var worker = QueueWorker.Create(fixture.Grains, queue, async (job, cancellationToken) =>
        {
            await job.ReportProgressAsync("""{"step":1}""");
            started.TrySetResult();
            await gate.Task.WaitAsync(cancellationToken);
            return null;
        }, new QueueWorkerOptions { Concurrency = 1, LeaseTime = Long, HeartbeatInterval = interval }, time);
        var id = (await Queue(queue).EnqueueAsync(new JobSpec("""{"long":true}"""))).JobId;
        var redis = fixture.RedisConnection.GetDatabase();

        await worker.StartAsync(CancellationToken.None);
        var expiries = new List<DateTimeOffset>();
        try
        {
            await started.Task.WaitAsync(Long);
            expiries.Add((await Queue(queue).GetJobAsync(id))!.LeaseExpiresAtUtc!.Value);
            for (var heartbeat = 1; heartbeat <= 3; heartbeat++)
            {
                // A heartbeat in the same Redis millisecond as the last would answer the same expiry.
                var last = expiries[^1];
                await Eventually.TrueAsync(async () => await RedisClock.NowAsync(redis) + Long > last, Long, "Redis's clock moves past the last lease");
                await AdvanceUntilAsync(time, interval, async () => (await Queue(queue).GetJobAsync(id))!.LeaseExpiresAtUtc > last, $"heartbeat {heartbeat} extends the lease");
                expiries.Add((await Queue(queue).GetJobAsync(id))!.LeaseExpiresAtUtc!.Value);
            }

            gate.SetResult();
            await Eventually.TrueAsync(() => Task.FromResult(worker.Completed == 1), Long, "the job completes");
        }
        finally
        {
            await worker.StopAsync(CancellationToken.None);
        }

        var done = (await Queue(queue).GetJobAsync(id))!;
        Assert.Equal(4, expiries.Distinct().Count());
        Assert.Equal((JobState.Completed, 1, """{"step":1}"""), (done.State, done.Attempts, done.Progress));
        Assert.Equal(0, worker.LeasesLost);
    }

    [Fact]
    public async Task Worker_HandlerThrowsOnFirstAttempt_FailedThenRetriedAndCompleted()
    {
        const string queue = "wretry";
        var worker = QueueWorker.Create(fixture.Grains, queue, (job, _) =>
        {
            if (job.Attempt == 1)
            {
                job.RetryAfter = TimeSpan.Zero;
                throw new InvalidOperationException("boom on the first attempt");
            }

            return Task.FromResult<string?>("""{"ok":true}""");
        }, new QueueWorkerOptions { Concurrency = 2 });
        var id = (await Queue(queue).EnqueueAsync(new JobSpec("\"flaky\""))).JobId;

        await worker.StartAsync(CancellationToken.None);
        try
        {
            await Eventually.TrueAsync(() => Task.FromResult(worker.Completed == 1), Long, "the retry completes");
        }
        finally
        {
            await worker.StopAsync(CancellationToken.None);
        }

        var job = (await Queue(queue).GetJobAsync(id))!;
        Assert.Equal((JobState.Completed, 2, """{"ok":true}"""), (job.State, job.Attempts, job.Result));
        Assert.Contains("boom on the first attempt", job.LastError);
        Assert.Equal(1, worker.Failed);
    }

    [Fact]
    public async Task Worker_CompletionsLeaseTheNextJob_ThreeKeysOfTen_EachRunOnceInKeyOrder()
    {
        const string queue = "wchain";
        var tag = Guid.NewGuid().ToString("N");
        var starts = new System.Collections.Concurrent.ConcurrentQueue<string>();
        var worker = QueueWorker.Create(fixture.Grains, queue, (job, _) =>
        {
            starts.Enqueue(job.Payload);
            return Task.FromResult<string?>(null);
        }, new QueueWorkerOptions { Concurrency = 2 });
        var jobs = Enumerable.Range(0, 30).Select(i => new JobSpec($"\"{i % 3}-{i / 3}\"", Key: $"{tag}-{i % 3}")).ToList();
        var ids = (await Queue(queue).EnqueueManyAsync(jobs)).Select(r => r.JobId).ToList();

        await worker.StartAsync(CancellationToken.None);
        try
        {
            await Eventually.TrueAsync(() => Task.FromResult(worker.Completed == 30), Long, "all thirty complete");
        }
        finally
        {
            await worker.StopAsync(CancellationToken.None);
        }

        Assert.Equal(30, starts.Count);
        for (var key = 0; key < 3; key++)
        {
            Assert.Equal(Enumerable.Range(0, 10).Select(n => $"\"{key}-{n}\""), starts.Where(p => p.StartsWith($"\"{key}-", StringComparison.Ordinal)));
        }

        foreach (var id in ids)
        {
            var job = (await Queue(queue).GetJobAsync(id))!;
            Assert.Equal((JobState.Completed, 1), (job.State, job.Attempts));
        }

        Assert.Equal((0L, 0L), (worker.LeasesLost, worker.Returned));
    }

    [Fact]
    public async Task Worker_StoppedWhileJobsRun_StopsLeasingAndFinishesThemWithinTheDrain()
    {
        const string queue = "wdrain";
        var gate = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var worker = QueueWorker.Create(fixture.Grains, queue, async (job, _) =>
        {
            await gate.Task;
            return null;
        }, new QueueWorkerOptions { Concurrency = 4 });
        var ids = (await Queue(queue).EnqueueManyAsync([new JobSpec("1"), new JobSpec("2")])).Select(r => r.JobId).ToList();
        await worker.StartAsync(CancellationToken.None);
        await Eventually.TrueAsync(() => Task.FromResult(worker.RunningJobs == 2), Long, "both jobs run");

        using var shutdown = new CancellationTokenSource(TimeSpan.FromMinutes(1));
        var stopping = worker.StopAsync(shutdown.Token);
        await Eventually.TrueAsync(() => Task.FromResult(worker.ExecuteTask!.IsCompleted), Long, "leasing stops at once");
        var stoppedEarly = stopping.IsCompleted;
        gate.SetResult();
        await stopping.WaitAsync(Long);

        Assert.False(stoppedEarly, "the stop did not wait for the running jobs");
        Assert.Equal((2, 0L), (worker.Completed, worker.Returned));
        foreach (var id in ids)
        {
            Assert.Equal(JobState.Completed, (await Queue(queue).GetJobAsync(id))!.State);
        }
    }

    [Fact]
    public async Task Worker_StoppedWithJobsStuckPastTheShutdownTimeout_ReturnsThemForAnotherWorkerAtOnce()
    {
        const string queue = "wreturn";
        var never = new TaskCompletionSource<string?>();
        // Two slots for two jobs: no lease call is in flight when the stop comes, so the test sees only the return.
        var worker = QueueWorker.Create(fixture.Grains, queue, (_, _) => never.Task, new QueueWorkerOptions { Concurrency = 2 });
        var ids = (await Queue(queue).EnqueueManyAsync([new JobSpec("1"), new JobSpec("2")])).Select(r => r.JobId).ToList();
        await worker.StartAsync(CancellationToken.None);
        await Eventually.TrueAsync(() => Task.FromResult(worker.RunningJobs == 2), Long, "both jobs run");

        // The host's shutdown timeout has run out already: nothing may wait for the handlers.
        await worker.StopAsync(new CancellationToken(canceled: true)).WaitAsync(Long);
        var returned = new List<JobInfo>();
        foreach (var id in ids)
        {
            returned.Add((await Queue(queue).GetJobAsync(id))!);
        }

        // Returned with no backoff, so another worker gets both at once, not after the 30 s lease.
        var leased = new List<LeasedJob>();
        var since = Stopwatch.GetTimestamp();
        while (leased.Count < 2 && Stopwatch.GetElapsedTime(since) < Long)
        {
            leased.AddRange(await Queue(queue).LeaseAsync("next", 2 - leased.Count, Long, TimeSpan.FromSeconds(5)));
        }

        foreach (var job in leased)
        {
            await Queue(queue).CompleteAsync(job.Id, job.LeaseToken);
        }

        Assert.Equal((2L, 0L, 0), (worker.Returned, worker.Completed, worker.RunningJobs));
        Assert.All(returned, job => Assert.NotEqual(JobState.Active, job.State));
        Assert.Equal(ids.Order(), leased.Select(j => j.Id).Order());
        // Released, not failed: the stop did not use up an attempt (a failed return would lease them as attempt 2).
        Assert.All(leased, job => Assert.Equal(1, job.Attempt));
    }

    [Fact]
    public void Create_BadOptions_OneMessagePerSettingNamingTheQueue()
    {
        var options = new QueueWorkerOptions
        {
            Concurrency = 0,
            LeaseTime = TimeSpan.FromMilliseconds(500),
            HeartbeatInterval = TimeSpan.FromSeconds(1),
            MaxWait = TimeSpan.FromSeconds(30),
            Worker = "",
        };

        var error = Assert.Throws<OptionsValidationException>(() => QueueWorker.Create(fixture.Grains, "wconc", (_, _) => Task.FromResult<string?>(null), options));

        Assert.Equal(
        [
            "The worker of queue 'wconc': Worker must be 1-256 characters without control characters.",
            "The worker of queue 'wconc': Concurrency must be from 1 to 10000 (it was 0).",
            "The worker of queue 'wconc': LeaseTime must be at least 00:00:01 and at most 1.00:00:00 (it was 00:00:00.5000000).",
            "The worker of queue 'wconc': HeartbeatInterval must be at least 1 ms and shorter than LeaseTime (00:00:00.5000000) (it was 00:00:01).",
            "The worker of queue 'wconc': MaxWait must be from 0 to 00:00:25 (it was 00:00:30).",
        ], error.Failures);
        Assert.Throws<ArgumentException>(() => QueueWorker.Create(fixture.Grains, "bad name", (_, _) => Task.FromResult<string?>(null)));
    }

    [Fact]
    public void AddOrleansRedisQueueWorker_RegistersOneHostedWorkerPerQueueWithItsNamedOptions()
    {
        var services = new ServiceCollection().AddLogging().AddSingleton(fixture.Grains);
        services.AddOrleansRedisQueueWorker("wconc", o => o.Concurrency = 5, (_, _) => Task.CompletedTask);
        services.AddOrleansRedisQueueWorker<NoOpHandler>("wdrain", o => o.LeaseTime = TimeSpan.FromMinutes(2));
        using var provider = services.BuildServiceProvider();

        var workers = provider.GetServices<IHostedService>().OfType<QueueWorker>().ToList();
        var monitor = provider.GetRequiredService<IOptionsMonitor<QueueWorkerOptions>>();

        Assert.Equal(["wconc", "wdrain"], workers.Select(w => w.Queue));
        Assert.Equal((5, TimeSpan.FromSeconds(30)), (monitor.Get("wconc").Concurrency, monitor.Get("wconc").LeaseTime));
        Assert.Equal((8, TimeSpan.FromMinutes(2)), (monitor.Get("wdrain").Concurrency, monitor.Get("wdrain").LeaseTime));
        Assert.NotNull(provider.GetService<QueueClient>());
        Assert.Throws<InvalidOperationException>(() => services.AddOrleansRedisQueueWorker("WCONC", null, (_, _) => Task.CompletedTask));
        Assert.Throws<ArgumentException>(() => services.AddOrleansRedisQueueWorker(new string('q', 101), null, (_, _) => Task.CompletedTask));
    }

    /// <summary>
    /// Moves <paramref name="time"/> on by <paramref name="step"/>, then by another step after each second of real time
    /// in which <paramref name="done"/> stayed false (at most five in all: the 30 s lease outlasts them), until it is true.
    /// </summary>
    private static async Task AdvanceUntilAsync(FakeTimeProvider time, TimeSpan step, Func<Task<bool>> done, string what)
    {
        time.Advance(step);
        var advances = 1;
        var advancedAt = Stopwatch.GetTimestamp();
        await Eventually.TrueAsync(
            async () =>
            {
                if (await done())
                {
                    return true;
                }

                if (advances < 5 && Stopwatch.GetElapsedTime(advancedAt) > TimeSpan.FromSeconds(1))
                {
                    time.Advance(step);
                    advances++;
                    advancedAt = Stopwatch.GetTimestamp();
                }

                return false;
            },
            Long,
            what);
    }

    private static void InterlockedMax(ref int target, int value)
    {
        var seen = Volatile.Read(ref target);
        while (value > seen && Interlocked.CompareExchange(ref target, value, seen) is var previous && previous != seen)
        {
            seen = previous;
        }
    }

    [Fact]
    public async Task Worker_LeaseTimeAboveTheQueuesMaxLeaseTime_FaultsAtItsFirstLease_NoRetryLoop()
    {
        const string queue = "wlong";
        var runs = 0;
        // 2 h: within the worker's own bound (1 day), above the queue's MaxLeaseTime (1 h by default), which only the silo knows.
        var worker = QueueWorker.Create(fixture.Grains, queue, (_, _) =>
        {
            Interlocked.Increment(ref runs);
            return Task.FromResult<string?>(null);
        }, new QueueWorkerOptions { Concurrency = 2, LeaseTime = TimeSpan.FromHours(2), RetryDelay = TimeSpan.FromMilliseconds(50) });
        var id = (await Queue(queue).EnqueueAsync(new JobSpec("1"))).JobId;

        await worker.StartAsync(CancellationToken.None);
        Exception? fault;
        try
        {
            // A worker that logged and retried would loop every 50 ms for ever: its task would never end.
            fault = await Record.ExceptionAsync(() => worker.ExecuteTask!.WaitAsync(Long));
        }
        finally
        {
            await worker.StopAsync(CancellationToken.None);
        }

        var error = Assert.IsType<OptionsValidationException>(fault);
        Assert.Contains("LeaseTime", error.Message, StringComparison.Ordinal);
        Assert.Contains("MaxLeaseTime", error.Message, StringComparison.Ordinal);
        Assert.Equal(0, Volatile.Read(ref runs));
        Assert.Equal((JobState.Waiting, 0), ((await Queue(queue).GetJobAsync(id))!.State, (await Queue(queue).GetJobAsync(id))!.Attempts));
        await Queue(queue).CancelAsync(id);
    }

    private IQueueGrain Queue(string name) => fixture.Grains.GetGrain<IQueueGrain>(name);

    private static int PartitionOf(string jobId) => QueueLimits.TryGetPartition(jobId, out var partition) ? partition : -1;

    private sealed class NoOpHandler : IQueueJobHandler
    {
        public Task<string?> HandleAsync(QueueJobContext context, CancellationToken cancellationToken) => Task.FromResult<string?>(null);
    }
}
