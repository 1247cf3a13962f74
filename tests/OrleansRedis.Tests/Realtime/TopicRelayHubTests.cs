using OrleansRedis.Abstractions.Realtime;
using OrleansRedis.Grains.Realtime;
using OrleansRedis.Testing;

namespace OrleansRedis.Tests.Realtime;

/// <summary>
/// What a subscriber reads on one silo, against a real Redis: the replay after its last id, the switch to live without
/// a gap or a duplicate, the reset when its history was trimmed, the cut of a slow client, and events whose
/// announcement never arrived.
/// </summary>
public sealed class TopicRelayHubTests(RealtimeRedisFixture fixture) : IClassFixture<RealtimeRedisFixture>
{
    private static readonly TimeSpan Long = TimeSpan.FromSeconds(30);

    [Fact]
    public async Task Stream_AfterAnId_ReplaysTheRestThenGoesLive_NoGapNoDuplicate()
    {
        var topic = NewTopic();
        var ids = await fixture.PublishAsync(topic, 5);
        using var cancel = new CancellationTokenSource(Long);

        // More events land while the replay is being read: each must arrive once, in order.
        var subscription = await fixture.Hub.SubscribeAsync(topic, cancel.Token);
        var stream = fixture.Hub.StreamAsync(subscription, topic, TopicEventId.Parse(ids[1]), cancel.Token).GetAsyncEnumerator(cancel.Token);
        var publishing = fixture.PublishAsync(topic, 5, first: 5);
        var received = await TakeEventsAsync(stream, 8);
        await publishing;
        await stream.DisposeAsync();

        Assert.Equal(Enumerable.Range(2, 8).Select(n => $$"""{"n":{{n}}}"""), received.Select(e => e.Data));
        Assert.Equal(ids[2..], received.Take(3).Select(e => e.Id));
    }

    [Fact]
    public async Task Stream_AfterTrimmedHistory_SendsResetFirstThenTheOldestKept()
    {
        var topic = NewTopic();

        // MAXLEN ~ 10 trims whole stream nodes (100 entries each): of 350 events the first hundreds go.
        var ids = new List<string>();
        for (var i = 0; i < 350; i++)
        {
            var (id, _) = await fixture.Store.PublishAsync(topic, "n", $$"""{"n":{{i}}}""", maxLength: 10, maxAgeMs: 0);
            ids.Add(id.ToString());
        }

        using var cancel = new CancellationTokenSource(Long);
        var subscription = await fixture.Hub.SubscribeAsync(topic, cancel.Token);
        await using var stream = fixture.Hub.StreamAsync(subscription, topic, TopicEventId.Parse(ids[0]), cancel.Token).GetAsyncEnumerator(cancel.Token);
        Assert.True(await stream.MoveNextAsync());
        var first = stream.Current;
        Assert.True(await stream.MoveNextAsync());
        var oldestKept = stream.Current.Event!;
        var page = await fixture.Store.ReadAsync(topic, null, 1);

        Assert.Equal(TopicDeliveryKind.Reset, first.Kind);
        Assert.Equal(page.Events[0].Id, oldestKept.Id);
        Assert.True(ids.IndexOf(oldestKept.Id) > 1, "the oldest kept event comes after the trimmed ones");
    }

    [Fact]
    public async Task Read_AfterAnIdTheStreamNeverReached_IsAReset()
    {
        var topic = NewTopic();
        await fixture.PublishAsync(topic, 1);

        // An id from a history this stream no longer has (Redis lost its data, or the client is from another deployment).
        var read = await fixture.Store.ReadAsync(topic, new TopicEventId(ulong.MaxValue / 2, 0), 10);
        var fresh = await fixture.Store.ReadAsync(NewTopic(), new TopicEventId(5, 0), 10);

        Assert.True(read.Reset);
        Assert.Single(read.Events);
        Assert.True(fresh.Reset);
    }

    [Fact]
    public async Task SlowSubscriber_IsCutWithOthersUnaffected_AndResumesByReplay()
    {
        var topic = NewTopic();
        using var cancel = new CancellationTokenSource(Long);
        using var slow = await fixture.Hub.SubscribeAsync(topic, cancel.Token);
        var fast = await fixture.Hub.SubscribeAsync(topic, cancel.Token);
        var fastStream = fixture.Hub.StreamAsync(fast, topic, null, cancel.Token).GetAsyncEnumerator(cancel.Token);

        // The slow one never reads: past its 8-event buffer the relay gives it up, while the fast one gets all 30. The
        // fast one reads each event before the next is published, so it never has more than one buffered however
        // slowly its reads are scheduled.
        var ids = new List<string>();
        var fastReceived = new List<TopicEvent>();
        for (var i = 0; i < 30; i++)
        {
            ids.AddRange(await fixture.PublishAsync(topic, 1, first: i));
            fastReceived.AddRange(await TakeEventsAsync(fastStream, 1));
        }

        await fastStream.DisposeAsync();
        await Eventually.TrueAsync(() => Task.FromResult(slow.Overflowed), Long, "the slow subscriber is cut");

        var slowStream = fixture.Hub.StreamAsync(slow, topic, null, cancel.Token).GetAsyncEnumerator(cancel.Token);
        var drained = new List<TopicDelivery>();
        while (await slowStream.MoveNextAsync())
        {
            drained.Add(slowStream.Current);
        }

        // It resumes after the last event it got, as a reconnect with Last-Event-ID does.
        var lastSeen = drained.Last(d => d.Kind == TopicDeliveryKind.Event).Event!.Id;
        var resumed = await fixture.Hub.SubscribeAsync(topic, cancel.Token);
        await using var resumedStream = fixture.Hub.StreamAsync(resumed, topic, TopicEventId.Parse(lastSeen), cancel.Token).GetAsyncEnumerator(cancel.Token);
        var rest = await TakeEventsAsync(resumedStream, 30 - RealtimeRedisFixture.BufferSize);

        Assert.Equal(ids, fastReceived.Select(e => e.Id));
        Assert.Equal(TopicDeliveryKind.Cut, drained[^1].Kind);
        Assert.Equal(ids[..RealtimeRedisFixture.BufferSize], drained.Where(d => d.Kind == TopicDeliveryKind.Event).Select(d => d.Event!.Id));
        Assert.Equal(ids[RealtimeRedisFixture.BufferSize..], rest.Select(e => e.Id));
    }

    [Fact]
    public async Task EventsWhoseAnnouncementWasLost_AreStillDelivered_InOrder()
    {
        var topic = NewTopic();
        using var cancel = new CancellationTokenSource(Long);
        var subscription = await fixture.Hub.SubscribeAsync(topic, cancel.Token);
        await using var stream = fixture.Hub.StreamAsync(subscription, topic, null, cancel.Token).GetAsyncEnumerator(cancel.Token);

        // Appended behind the relay's back (no announcement), as when pub/sub drops messages during a reconnect: the
        // next announced event shows the broken chain, and the periodic check catches a loss at the end of a burst.
        var db = fixture.RedisConnection.GetDatabase();
        var key = $"or:topic:{{{topic}}}";
        var silent1 = (string)(await db.StreamAddAsync(key, [new("t", "n"), new("d", "1")]))!;
        var announced = (await fixture.PublishAsync(topic, 1, first: 2))[0];
        var silent2 = (string)(await db.StreamAddAsync(key, [new("t", "n"), new("d", "3")]))!;
        var received = await TakeEventsAsync(stream, 3);

        Assert.Equal([silent1, announced, silent2], received.Select(e => e.Id));
    }

    private static async Task<List<TopicEvent>> TakeEventsAsync(IAsyncEnumerator<TopicDelivery> stream, int count)
    {
        var events = new List<TopicEvent>(count);
        while (events.Count < count && await stream.MoveNextAsync())
        {
            if (stream.Current.Kind == TopicDeliveryKind.Event)
            {
                events.Add(stream.Current.Event!);
            }
        }

        return events;
    }

    private static string NewTopic() => $"t:{Guid.NewGuid():N}";
}
