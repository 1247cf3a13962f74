using Microsoft.Extensions.Options;
using OrleansRedis.Abstractions.Realtime;
using OrleansRedis.Redis;
using OrleansRedis.Testing;
using OrleansRedis.Tests.Locks;
using OrleansRedis.Tests.Infrastructure;
using StackExchange.Redis;

namespace OrleansRedis.Tests.Realtime;

/// <summary>
/// The real-time contract at the grain interface: one order per topic, paged history, an announced reset when history
/// was trimmed, typed refusals that publish nothing, and presence with TTLs and join/leave events; run on one
/// redis-server and on a Redis Cluster.
/// </summary>
public abstract class TopicGrainContractTests(TestClusterFixture fixture)
{
    private static readonly TimeSpan Long = TimeSpan.FromSeconds(30);

    private readonly RedisKeys _keys = new(Options.Create(new RedisOptions()));

    private IDatabase Redis => fixture.RedisConnection.GetDatabase();

    /// <summary>The real-time contract on one redis-server.</summary>
    [Collection(RedisClusterCollection.Name)]
    public sealed class OnRedis(RedisClusterFixture fixture) : TopicGrainContractTests(fixture);

    /// <summary>The real-time contract on a Redis Cluster of three masters and three replicas.</summary>
    [Collection(OnRedisClusterCollection.Name)]
    public sealed class OnRedisCluster(OnRedisClusterFixture fixture) : TopicGrainContractTests(fixture);

    [Fact]
    public async Task Publish_ConcurrentCallers_GetOneTotalOrder_ThatHistoryPagesThrough()
    {
        var topic = NewTopic();
        var grain = fixture.Grains.GetGrain<ITopicGrain>(topic);

        // 40 publishes in flight at once: the grain is the single writer, so the ids it answers are distinct and the
        // stream holds exactly them, in id order.
        var published = await Task.WhenAll(Enumerable.Range(0, 40).Select(i => grain.PublishAsync("n", $$"""{"n":{{i}}}""")));
        Assert.Equal(40, published.Distinct().Count());

        var read = new List<TopicEvent>();
        string? after = null;
        TopicPage page;
        do
        {
            page = await grain.ReadAsync(after, 15);
            Assert.False(page.Reset);
            read.AddRange(page.Events);
            after = page.Events.Count > 0 ? page.Events[^1].Id : after;
        }
        while (page.Events.Count > 0 && after != page.LastId);

        var ids = read.Select(e => e.Id).ToList();
        Assert.Equal(published.Order(TopicEventIdComparer.Instance), ids);
        Assert.Equal(ids.Order(TopicEventIdComparer.Instance), ids);
        Assert.All(read, e => Assert.Equal("n", e.Type));
        Assert.Equal(ids[^1], page.LastId);
        Assert.Equal(40, await Redis.StreamLengthAsync(_keys.Topic(topic)));
    }

    [Fact]
    public async Task Read_AfterTrimmedHistory_AnnouncesAReset_AndStartsAtTheOldestKept()
    {
        var topic = NewTopic();
        var grain = fixture.Grains.GetGrain<ITopicGrain>(topic);
        var ids = new List<string>();
        for (var i = 0; i < 10; i++)
        {
            ids.Add(await grain.PublishAsync(null, $$"""{"n":{{i}}}"""));
        }

        // Trim the oldest six, as the count or age bound would: a reader that has event 2 missed 3-5 for good.
        await Redis.StreamTrimAsync(_keys.Topic(topic), 4);

        var page = await grain.ReadAsync(ids[2], 100);
        Assert.True(page.Reset);
        Assert.Equal(ids[6..], page.Events.Select(e => e.Id));
        Assert.All(page.Events, e => Assert.Equal("message", e.Type));

        // A reader whose last event is still the one before the oldest kept missed nothing.
        var whole = await grain.ReadAsync(ids[5], 100);
        Assert.False(whole.Reset);
        Assert.Equal(ids[6..], whole.Events.Select(e => e.Id));
    }

    [Theory]
    [InlineData("bad topic", null, "{}", RealtimeErrorCode.InvalidTopic)]
    [InlineData(null, "bad type!", "{}", RealtimeErrorCode.InvalidType)]
    [InlineData(null, null, "{not json", RealtimeErrorCode.InvalidPayload)]
    public async Task Publish_BadInput_IsATypedRefusal_AndPublishesNothing(string? topicName, string? type, string data, RealtimeErrorCode code)
    {
        var topic = topicName ?? NewTopic();
        var error = await Assert.ThrowsAsync<RealtimeException>(() => fixture.Grains.GetGrain<ITopicGrain>(topic).PublishAsync(type, data));

        Assert.Equal(code, error.Code);
        Assert.False(await Redis.KeyExistsAsync(_keys.Topic(topic)));
    }

    [Fact]
    public async Task Read_MalformedEventId_IsATypedRefusal()
    {
        var error = await Assert.ThrowsAsync<RealtimeException>(() => fixture.Grains.GetGrain<ITopicGrain>(NewTopic()).ReadAsync("yesterday", 10));

        Assert.Equal(RealtimeErrorCode.InvalidEventId, error.Code);
    }

    [Fact]
    public async Task Presence_JoinHeartbeatLeave_AreListedAndPublishedOnTheRoomTopic()
    {
        var room = NewTopic();
        var presence = fixture.Grains.GetGrain<IPresenceGrain>(room);

        var joined = await presence.HeartbeatAsync("alice", TimeSpan.FromMinutes(5), """{"status":"here"}""");
        var again = await presence.HeartbeatAsync("alice", TimeSpan.FromMinutes(5), null);
        await presence.HeartbeatAsync("bob", TimeSpan.FromMinutes(5), null);
        Assert.True(joined.Joined);
        Assert.False(again.Joined);

        var members = await presence.ListAsync();
        Assert.Equal(["alice", "bob"], members.Select(m => m.Member).Order(StringComparer.Ordinal));

        Assert.True(await presence.LeaveAsync("bob"));
        Assert.False(await presence.LeaveAsync("bob"));
        Assert.Equal(["alice"], (await presence.ListAsync()).Select(m => m.Member));

        var events = (await fixture.Grains.GetGrain<ITopicGrain>($"room:{room}").ReadAsync(null, 100)).Events;
        Assert.Equal(["join", "join", "leave"], events.Select(e => e.Type));
        Assert.Contains("alice", events[0].Data, StringComparison.Ordinal);
        Assert.Contains("bob", events[2].Data, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Presence_MemberWhoseHeartbeatsStop_DropsOutAtItsTtl_WithALeaveEvent()
    {
        var room = NewTopic();
        var presence = fixture.Grains.GetGrain<IPresenceGrain>(room);
        var beat = await presence.HeartbeatAsync("carol", TimeSpan.FromSeconds(1), null);
        await presence.HeartbeatAsync("dave", TimeSpan.FromMinutes(5), null);

        // Carol never heartbeats again; nobody calls leave. Redis's clock decides when her TTL is over.
        await Eventually.TrueAsync(
            async () => (await presence.ListAsync()).All(m => m.Member != "carol"),
            Long,
            "carol drops out of the room at her 1 s TTL");

        Assert.True(await RedisClock.NowAsync(Redis) >= beat.ExpiresAtUtc);
        Assert.Equal(["dave"], (await presence.ListAsync()).Select(m => m.Member));
        var events = (await fixture.Grains.GetGrain<ITopicGrain>($"room:{room}").ReadAsync(null, 100)).Events;
        Assert.Equal(["join", "join", "leave"], events.Select(e => e.Type));
        Assert.Contains("carol", events[2].Data, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Presence_BadInput_IsATypedRefusal_AndJoinsNobody()
    {
        var room = NewTopic();
        var presence = fixture.Grains.GetGrain<IPresenceGrain>(room);

        Assert.Equal(RealtimeErrorCode.InvalidMember, (await Assert.ThrowsAsync<RealtimeException>(() => presence.HeartbeatAsync("no spaces", null, null))).Code);
        Assert.Equal(RealtimeErrorCode.InvalidTtl, (await Assert.ThrowsAsync<RealtimeException>(() => presence.HeartbeatAsync("erin", TimeSpan.FromDays(2), null))).Code);
        Assert.Empty(await presence.ListAsync());
    }

    private static string NewTopic() => $"t{Guid.NewGuid():N}";

    /// <summary>Orders stream entry ids by time, then sequence.</summary>
    private sealed class TopicEventIdComparer : IComparer<string>
    {
        public static readonly TopicEventIdComparer Instance = new();

        public int Compare(string? x, string? y)
        {
            Assert.True(TopicEventId.TryParse(x!, out var left));
            Assert.True(TopicEventId.TryParse(y!, out var right));
            return left.CompareTo(right);
        }
    }
}
