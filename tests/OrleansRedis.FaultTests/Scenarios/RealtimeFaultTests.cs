using System.Diagnostics;
using System.Net.Http.Json;
using System.Text.Json;
using OrleansRedis.Abstractions.Realtime;
using OrleansRedis.Client.Realtime;
using OrleansRedis.FaultTests.Harness;
using OrleansRedis.Testing;

namespace OrleansRedis.FaultTests.Scenarios;

/// <summary>
/// Real-time topics on real silo processes: fan-out to many SSE subscribers across silos, a killed silo, a restarted
/// Redis, a slow client and a killed presence member. Every subscriber must end with exactly the topic's history, in
/// order, without duplicates. Sizes: RT_SUBSCRIBERS (200), RT_EVENTS (5000).
/// </summary>
public sealed class RealtimeFaultTests
{
    private static readonly TimeSpan Long = TimeSpan.FromSeconds(120);

    private static void Report(string line) => TestContext.Current.TestOutputHelper?.WriteLine(line);

    [Fact]
    public async Task TwoSilos_ManySubscribers_AllReceiveEveryEventInOrder_NoDuplicates()
    {
        var subscribers = FaultSettings.Get("RT_SUBSCRIBERS", 200);
        var events = FaultSettings.Get("RT_EVENTS", 5000);
        await using var cluster = await FaultCluster.StartAsync(silos: 2);
        var topic = $"fan:{Guid.NewGuid():N}";
        using var cancel = new CancellationTokenSource(Long * 2);
        using var a = TopicReader.Streaming(cluster.Silos[0]);
        using var b = TopicReader.Streaming(cluster.Silos[1]);
        var streams = new List<SseStream>();
        for (var i = 0; i < subscribers; i++)
        {
            var stream = await SseStream.OpenAsync(i % 2 == 0 ? a : b, $"/topics/{topic}/events", cancellationToken: cancel.Token);
            await stream.NextOfTypeAsync("ready", cancel.Token);
            streams.Add(stream);
        }

        var readers = streams.Select(s => Task.Run(() => TopicReader.CollectAsync(s, events, cancel.Token))).ToList();
        var started = Stopwatch.GetTimestamp();

        // Two publishers per silo, each in sequence: the topic's order is the order Redis appended them in.
        var perPublisher = events / 4;
        await Task.WhenAll(Enumerable.Range(0, 4).Select(p => Task.Run(async () =>
        {
            var http = cluster.Silos[p % 2].Http;
            for (var i = 0; i < perPublisher + (p < events % 4 ? 1 : 0); i++)
            {
                await TopicReader.PublishAsync(http, topic, new { p, i });
            }
        })));
        var published = Stopwatch.GetElapsedTime(started);
        var received = await Task.WhenAll(readers);
        var delivered = Stopwatch.GetElapsedTime(started);
        var history = await TopicReader.HistoryAsync(cluster.Silos[0].Http, topic);
        foreach (var stream in streams)
        {
            await stream.DisposeAsync();
        }

        Report($"fan-out: {subscribers} subscribers x {events} events: published in {published.TotalSeconds:F1} s, " +
            $"all delivered in {delivered.TotalSeconds:F1} s ({subscribers * (double)events / delivered.TotalSeconds:F0} deliveries/s)");
        Assert.Equal(events, history.Count);
        Assert.All(received, ids => Assert.Equal(history, ids));
    }

    [Fact]
    public async Task SiloKill_SubscribersResumeOnTheOtherSiloWithLastEventId_NoGapNoDuplicate()
    {
        var events = FaultSettings.Get("RT_KILL_EVENTS", 1500);
        await using var cluster = await FaultCluster.StartAsync(silos: 2);
        var topic = $"kill:{Guid.NewGuid():N}";
        using var cancel = new CancellationTokenSource(Long);
        using var http = new HttpClient { Timeout = Timeout.InfiniteTimeSpan };
        var silos = cluster.Silos.Select(s => s.Http.BaseAddress!).ToList();

        // Half the subscribers start on the silo that dies (their list goes on to the other), half on the survivor.
        var clients = Enumerable.Range(0, 20).Select(i => new TopicSubscriber(http, i % 2 == 0 ? silos : [silos[1], silos[0]])).ToList();
        var first = await TopicReader.PublishAsync(cluster.Silos[1].Http, topic, new { i = -1 });
        var readers = clients.Select(c => Task.Run(() => TopicReader.CollectAsync(c, topic, first.Id, events, cancel.Token))).ToList();

        for (var i = 0; i < events; i++)
        {
            if (i == events / 3)
            {
                await cluster.KillSiloAsync(0);
            }

            await TopicReader.PublishAsync(cluster.Silos[1].Http, topic, new { i });
        }

        var received = await Task.WhenAll(readers);
        var history = (await TopicReader.HistoryAsync(cluster.Silos[1].Http, topic)).Skip(1).ToList();
        Report($"silo kill: {clients.Count} subscribers, reconnects {string.Join(",", clients.Select(c => c.Reconnects))}; history {history.Count}");

        // A publish whose answer the kill swallowed may have been appended and then retried: the history is the truth.
        Assert.InRange(history.Count, events, events + 5);
        Assert.All(received, ids => Assert.Equal(history.Take(events), ids));
        Assert.True(clients.Where((_, i) => i % 2 == 0).All(c => c.Reconnects >= 1), "the subscribers of the killed silo reconnected");
    }

    [Fact]
    public async Task RedisRestart_UnderPublishing_LosesNoAcknowledgedEvent_AndSubscribersGetThemAll()
    {
        var events = FaultSettings.Get("RT_RESTART_EVENTS", 1500);
        await using var cluster = await FaultCluster.StartAsync(silos: 2);
        var topic = $"aof:{Guid.NewGuid():N}";
        using var cancel = new CancellationTokenSource(Long);
        using var http = new HttpClient { Timeout = Timeout.InfiniteTimeSpan };
        var subscriber = new TopicSubscriber(http, [.. cluster.Silos.Select(s => s.Http.BaseAddress!)]);
        var acknowledged = new List<string>();
        var first = await TopicReader.PublishAsync(cluster.Silos[0].Http, topic, new { i = -1 });
        var reading = Task.Run(() => TopicReader.CollectAsync(subscriber, topic, first.Id, events, cancel.Token));

        var attempts = 0;
        while (acknowledged.Count < events)
        {
            if (attempts++ == events / 2)
            {
                await cluster.KillAndRestartRedisAsync();
            }

            // One attempt per event: only what the silo acknowledged counts, and all of it must survive.
            if (await TopicReader.TryPublishAsync(cluster.Silos[attempts % 2].Http, topic, new { attempts }) is { } id)
            {
                acknowledged.Add(id);
            }
            else
            {
                await Task.Delay(50);
            }
        }

        var received = await reading;
        var history = (await TopicReader.HistoryAsync(cluster.Silos[0].Http, topic)).Skip(1).ToList();
        Report($"redis restart: {attempts} attempts, {acknowledged.Count} acknowledged, history {history.Count}, subscriber reconnects {subscriber.Reconnects}");

        Assert.Empty(acknowledged.Except(history));
        Assert.Equal(history.Take(events), received);
    }

    [Fact]
    public async Task SlowClient_IsCutAndCatchesUp_WhilePublisherLatencyStaysTheSame()
    {
        var events = FaultSettings.Get("RT_SLOW_EVENTS", 1500);
        await using var cluster = await FaultCluster.StartAsync(silos: 2, new Dictionary<string, string>
        {
            ["OrleansRedis__Realtime__SubscriberBufferSize"] = "64",
        });
        var topic = $"slow:{Guid.NewGuid():N}";
        using var cancel = new CancellationTokenSource(Long);
        using var streaming = TopicReader.Streaming(cluster.Silos[1]);
        var padding = new string('x', 4000);
        var publisher = cluster.Silos[0].Http;

        // Baseline: publisher latency with no subscriber at all.
        var baseline = new List<TimeSpan>();
        for (var i = 0; i < 200; i++)
        {
            baseline.Add((await TopicReader.PublishAsync(publisher, $"{topic}-base", new { i, padding })).Latency);
        }

        // The slow client stops reading: its socket fills, then its 64-event buffer, and the silo cuts it.
        var slow = await SseStream.OpenAsync(streaming, $"/topics/{topic}/events", cancellationToken: cancel.Token);
        await slow.NextOfTypeAsync("ready", cancel.Token);
        var during = new List<TimeSpan>();
        var ids = new List<string>();
        for (var i = 0; i < events; i++)
        {
            var (id, latency) = await TopicReader.PublishAsync(publisher, topic, new { i, padding });
            ids.Add(id);
            during.Add(latency);
        }

        // It reads what it has, sees the cut with its retry hint, and resumes by replay after its last id.
        var got = new List<string>();
        SseFrame? cut = null;
        while (await slow.NextAsync(cancel.Token) is { } frame)
        {
            if (frame.Event == "cut")
            {
                cut = frame;
            }
            else if (frame.Id is not null)
            {
                got.Add(frame.Id);
            }
        }

        await slow.DisposeAsync();
        var beforeCut = got.Count;
        await using var resumed = await SseStream.OpenAsync(streaming, $"/topics/{topic}/events", got[^1], cancel.Token);
        got.AddRange(await TopicReader.CollectAsync(resumed, events - got.Count, cancel.Token));
        var metrics = await cluster.Silos[1].Http.GetStringAsync("/metrics");

        var (b50, b99) = Percentiles(baseline);
        var (d50, d99) = Percentiles(during);
        Report($"slow client: cut after {beforeCut} of {events} events; publish latency p50/p99 baseline {b50:F1}/{b99:F1} ms, " +
            $"while the client stalls {d50:F1}/{d99:F1} ms");
        Assert.NotNull(cut);
        Assert.Equal(1000, cut!.Retry);
        Assert.Equal(ids, got);
        Assert.True(beforeCut < events, "the stalled client was cut before the end");
        Assert.Contains("orleansredis_realtime_dropped_slow_clients", metrics);

        // The publisher never waits for subscribers: its median stays within noise of the baseline (a publisher that
        // waited for the stalled client would stall for good).
        Assert.True(d50 <= (b50 * 3) + 10, $"median publish latency went from {b50:F1} ms to {d50:F1} ms");
    }

    [Fact]
    public async Task PresenceMember_Sigkilled_DropsOutWithinTtlPlusOneSecond_WithALeaveEvent()
    {
        await using var cluster = await FaultCluster.StartAsync(silos: 2);
        var room = $"r{Guid.NewGuid():N}";
        var ttlSeconds = 3;
        using var other = await cluster.Silos[1].Http.PutAsJsonAsync($"/rooms/{room}/members/bob", new { ttlSeconds = 120 });

        // The member is its own process that heartbeats every 0.5 s through silo 0, as a browser tab or a device would.
        var url = $"{cluster.Silos[0].Http.BaseAddress}rooms/{room}/members/alice";
        var heartbeat = $"while :; do curl -s -o /dev/null -X PUT -H 'Content-Type: application/json' -d '{{\"ttlSeconds\":{ttlSeconds}}}' {url}; sleep 0.5; done";
        using var member = Process.Start(new ProcessStartInfo("bash", ["-c", heartbeat]) { UseShellExecute = false })!;
        await Eventually.TrueAsync(async () => (await Members(cluster, 0, room)).Count == 2, Long, "both members are listed");
        var bothListed = await Members(cluster, 1, room);

        member.Kill(entireProcessTree: true);
        await member.WaitForExitAsync();
        var killedAt = await RedisNowAsync(cluster);
        var leave = await Eventually.SucceedsAsync(async () =>
        {
            var page = await cluster.Silos[1].Http.GetFromJsonAsync<JsonElement>($"/topics/room:{room}/events?after=0-0");
            return page.GetProperty("events").EnumerateArray().Single(e => e.GetProperty("type").GetString() == "leave");
        }, Long, "the leave event is published");
        var leftAt = TopicEventId.Parse(leave.GetProperty("id").GetString()!).Milliseconds;
        var after = await Members(cluster, 0, room);
        Report($"presence: leave published {(long)leftAt - (long)killedAt} ms after the kill (TTL {ttlSeconds} s)");

        Assert.Equal(["alice", "bob"], bothListed.Order());
        Assert.Equal("alice", leave.GetProperty("data").GetProperty("member").GetString());
        Assert.Equal("expired", leave.GetProperty("data").GetProperty("reason").GetString());
        Assert.InRange((long)leftAt - (long)killedAt, 0, (ttlSeconds * 1000) + 1000);
        Assert.Equal(["bob"], after);
    }

    private static async Task<List<string>> Members(FaultCluster cluster, int silo, string room)
    {
        using var response = await cluster.Silos[silo].Http.GetAsync($"/rooms/{room}/members");
        if (response.StatusCode == System.Net.HttpStatusCode.NotFound)
        {
            return [];
        }

        var list = await response.Content.ReadFromJsonAsync<JsonElement>();
        return [.. list.GetProperty("members").EnumerateArray().Select(m => m.GetProperty("member").GetString()!)];
    }

    private static async Task<ulong> RedisNowAsync(FaultCluster cluster)
    {
        var lines = (await cluster.Redis.RunCliAsync("time")).Split('\n', StringSplitOptions.RemoveEmptyEntries);
        return (ulong.Parse(lines[0].Trim()) * 1000) + (ulong.Parse(lines[1].Trim()) / 1000);
    }

    private static (double P50, double P99) Percentiles(List<TimeSpan> samples)
    {
        var sorted = samples.Select(s => s.TotalMilliseconds).Order().ToArray();
        return (sorted[sorted.Length / 2], sorted[(int)(sorted.Length * 0.99)]);
    }
}
