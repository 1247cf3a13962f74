using System.Collections.Concurrent;
using Microsoft.Extensions.DependencyInjection;
using Orleans.Runtime;
using Orleans.TestingHost;
using OrleansRedis.Abstractions.Queues;
using OrleansRedis.Client.Queues;
using OrleansRedis.Testing;
using OrleansRedis.Tests.Infrastructure;

namespace OrleansRedis.Tests.Queues;

/// <summary>
/// The cluster of <see cref="QueuePartitionRelayTests"/>: two silos (both gateways), one queue of four partitions per
/// test, and a call filter on each silo that records the calls into partitions and relays with the silo they ran on.
/// </summary>
public sealed class QueueRelayClusterFixture() : TestClusterFixture("qrelay")
{
    /// <summary>The queues declared, one per test.</summary>
    public static readonly string[] Queues = ["rpass", "rgate", "rworker-on", "rworker-off"];

    /// <summary>Gets the calls recorded on every silo, in arrival order.</summary>
    public static ConcurrentQueue<RecordedCall> Calls { get; } = new();

    /// <inheritdoc />
    protected override IReadOnlyDictionary<string, string> Settings { get; } = Queues
        .Select(queue => KeyValuePair.Create($"OrleansRedis:Queues:Definitions:{queue}:Partitions", "4"))
        .ToDictionary();

    /// <inheritdoc />
    protected override void ConfigureCluster(TestClusterBuilder builder) => builder.AddSiloBuilderConfigurator<Recorder>();

    /// <summary>One call into a partition or a relay: its target, method, caller and the silo that ran it.</summary>
    public sealed record RecordedCall(GrainId Target, string Method, GrainId? Source, SiloAddress Silo);

    private sealed class Recorder : ISiloConfigurator
    {
        public void Configure(ISiloBuilder siloBuilder) => siloBuilder.AddIncomingGrainCallFilter<RecordingFilter>();
    }

    private sealed class RecordingFilter(ILocalSiloDetails silo) : IIncomingGrainCallFilter
    {
        public Task Invoke(IIncomingGrainCallContext context)
        {
            if (context.TargetId.Type.ToString() is "queue-partition" or "queue-partition-relay")
            {
                Calls.Enqueue(new RecordedCall(context.TargetId, context.MethodName, context.SourceId, silo.SiloAddress));
            }

            return context.Invoke();
        }
    }
}

/// <summary>
/// The partition relays (<see cref="IQueuePartitionRelayGrain"/>) and the <see cref="QueueWorker"/>'s use of them on a
/// two-silo cluster: a relay passes calls, answers and typed errors through unchanged; the relays of one partition
/// land on the client's gateways in turn; and the worker's completions reach each partition from a relay on the
/// partition's own silo (with the option off, from the client itself).
/// </summary>
public sealed class QueuePartitionRelayTests(QueueRelayClusterFixture fixture) : IClassFixture<QueueRelayClusterFixture>
{
    private static readonly TimeSpan Long = TimeSpan.FromSeconds(30);

    [Fact]
    public async Task Relay_PassesCallsOnToItsPartition_AnswersAndTypedErrorsUnchanged()
    {
        var partition = fixture.Grains.GetGrain<IQueuePartitionGrain>("rpass#1");
        var relay = fixture.Grains.GetGrain<IQueuePartitionRelayGrain>("rpass#1/r/0");
        var id = (await partition.EnqueueAsync([new JobSpec("""{"n":1}""")]))[0].JobId;

        var leased = Assert.Single(await relay.LeaseAsync("relay-test", 5, Long, TimeSpan.Zero));
        var stale = await Assert.ThrowsAsync<QueueException>(() => relay.CompleteAsync(id, leased.LeaseToken + "x", null));
        await relay.CompleteAsync(id, leased.LeaseToken, "\"done\"");

        Assert.Equal(id, leased.Id);
        Assert.Equal(QueueErrorCode.LeaseLost, stale.Code);
        var job = (await partition.GetJobAsync(id))!;
        Assert.Equal((JobState.Completed, "\"done\""), (job.State, job.Result));
        // The relay answers where the partition runs, not where it runs itself (it may be either silo).
        var relaySilo = QueueRelayClusterFixture.Calls.Last(c => c.Target.ToString().EndsWith("rpass#1/r/0", StringComparison.Ordinal)).Silo;
        Assert.Equal(relaySilo, await relay.GetRelaySiloAsync());
        Assert.Equal(await partition.GetSiloAsync(), await relay.GetSiloAsync());
    }

    [Fact]
    public async Task Relays_OfOnePartition_RunOnTheGatewaysTheClientGaveThemInTurn()
    {
        var silos = new HashSet<SiloAddress>();
        for (var n = 0; n < 8; n++)
        {
            silos.Add(await fixture.Grains.GetGrain<IQueuePartitionRelayGrain>($"rgate#0/r/{n}").GetRelaySiloAsync());
        }

        // Eight grains new to the client, given the next of its two gateways each: both silos host relays.
        Assert.Equal(fixture.Cluster.GetActiveSilos().Select(s => s.SiloAddress).ToHashSet(), silos);
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task Worker_Completions_ReachEachPartitionFromARelayOnItsSiloOrFromTheClientWhenOff(bool relays)
    {
        var queue = relays ? "rworker-on" : "rworker-off";
        var worker = QueueWorker.Create(fixture.Grains, queue, (_, _) => Task.FromResult<string?>(null),
            new QueueWorkerOptions { Concurrency = 8, UsePartitionRelays = relays });
        var found = await worker.LookUpRoutesAsync();
        var ids = (await fixture.Grains.GetGrain<IQueueGrain>(queue).EnqueueManyAsync([.. Enumerable.Range(0, 80).Select(i => new JobSpec($"{i}"))]))
            .Select(r => r.JobId).ToList();

        await worker.StartAsync(CancellationToken.None);
        try
        {
            await Eventually.TrueAsync(() => Task.FromResult(worker.Completed == ids.Count), Long, "all eighty complete");
        }
        finally
        {
            await worker.StopAsync(CancellationToken.None);
        }

        var calls = QueueRelayClusterFixture.Calls.ToList();
        var completions = calls
            .Where(c => c.Target.Type.ToString() == "queue-partition" && c.Target.Key.ToString()!.StartsWith(queue + "#", StringComparison.Ordinal)
                && c.Method == nameof(IQueuePartitionGrain.CompleteManyAndLeaseAsync))
            .ToList();
        Assert.NotEmpty(completions);
        Assert.Equal(4, found);
        if (relays)
        {
            // A relay is a stateless worker: it runs where its calls enter, so its silo is where the filter saw it.
            var relaySilos = calls.Where(c => c.Target.Type.ToString() == "queue-partition-relay")
                .GroupBy(c => c.Target).ToDictionary(g => g.Key, g => g.Select(c => c.Silo).Distinct().ToList());
            Assert.All(completions, c =>
            {
                Assert.Equal("queue-partition-relay", c.Source?.Type.ToString());
                Assert.Equal([c.Silo], relaySilos[c.Source!.Value]);
            });
        }
        else
        {
            Assert.All(completions, c => Assert.NotEqual("queue-partition-relay", c.Source?.Type.ToString()));
        }

        Assert.Equal((0L, 0L), (worker.LeasesLost, worker.Returned));
    }
}
