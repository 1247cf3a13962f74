using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using OrleansRedis.Testing;
using OrleansRedis.Tests.Foundation;
using OrleansRedis.Tests.Infrastructure;

namespace OrleansRedis.Tests.Realtime;

/// <summary>The <c>/topics</c> and <c>/rooms</c> HTTP contract on two real silo processes.</summary>
[Collection(SiloProcessCollection.Name)]
public sealed class RealtimeHttpTests(SiloProcessFixture fixture)
{
    private static readonly TimeSpan Long = TimeSpan.FromSeconds(30);

    private HttpClient Http => fixture.Silos[0].Http;

    [Fact]
    public async Task Sse_OnThisSdk_WritesIdEventAndDataAsFields()
    {
        // ASP.NET Core 10.0 RC2 wrote an SseItem as JSON data (aspnetcore#64183); the raw stream must carry fields.
        var topic = RealtimeHttp.NewTopic();
        var id = await RealtimeHttp.PublishAsync(Http, topic, new { text = "hi" }, "chat");
        using var streaming = RealtimeHttp.StreamingClient(fixture.Silos[1]);
        using var cancel = new CancellationTokenSource(Long);
        await using var stream = await SseStream.OpenAsync(streaming, $"/topics/{topic}/events?after=0-0", cancellationToken: cancel.Token);
        var lines = new List<string>();
        while (lines.Count(l => l.Length == 0) < 2 && await stream.ReadLineAsync(cancel.Token) is { } line)
        {
            lines.Add(line);
        }

        Assert.Equal("text/event-stream", stream.Response.Content.Headers.ContentType?.MediaType);
        Assert.Equal("event: ready", lines[0]);
        Assert.StartsWith("data: {\"lastId\":", lines[1]);
        Assert.Equal(["event: chat", "data: {\"text\":\"hi\"}", $"id: {id}", ""], lines[3..]);
    }

    [Fact]
    public async Task SubscriberOnSiloB_ReceivesWhatSiloAPublishes_InOrder()
    {
        var topic = RealtimeHttp.NewTopic();
        using var streaming = RealtimeHttp.StreamingClient(fixture.Silos[1]);
        using var cancel = new CancellationTokenSource(Long);
        await using var stream = await SseStream.OpenAsync(streaming, $"/topics/{topic}/events", cancellationToken: cancel.Token);
        await stream.NextOfTypeAsync("ready", cancel.Token);

        var published = new List<string>();
        for (var i = 0; i < 50; i++)
        {
            published.Add(await RealtimeHttp.PublishAsync(Http, topic, new { n = i }));
        }

        var received = new List<SseFrame>();
        while (received.Count < 50 && await stream.NextAsync(cancel.Token) is { } frame)
        {
            received.Add(frame);
        }

        Assert.Equal(published, received.Select(f => f.Id));
        Assert.All(received, f => Assert.Equal("message", f.Event));
        Assert.Equal(Enumerable.Range(0, 50).Select(n => $$"""{"n":{{n}}}"""), received.Select(f => f.Data));
    }

    [Fact]
    public async Task Reconnect_WithLastEventId_OnTheOtherSilo_ReplaysTheMissedThenLive()
    {
        var topic = RealtimeHttp.NewTopic();
        var ids = new List<string>();
        for (var i = 0; i < 6; i++)
        {
            ids.Add(await RealtimeHttp.PublishAsync(Http, topic, new { n = i }));
        }

        using var streaming = RealtimeHttp.StreamingClient(fixture.Silos[1]);
        using var cancel = new CancellationTokenSource(Long);
        await using var stream = await SseStream.OpenAsync(streaming, $"/topics/{topic}/events?after={ids[0]}", lastEventId: ids[2], cancel.Token);
        await stream.NextOfTypeAsync("ready", cancel.Token);
        ids.Add(await RealtimeHttp.PublishAsync(Http, topic, new { n = 6 }));
        var received = new List<string>();
        while (received.Count < 4 && await stream.NextAsync(cancel.Token) is { } frame)
        {
            received.Add(frame.Id!);
        }

        // Last-Event-ID wins over ?after= (EventSource keeps the page's URL and sends the header on reconnect).
        Assert.Equal(ids[3..], received);
    }

    [Fact]
    public async Task History_PagesThroughEventsAsJson()
    {
        var topic = RealtimeHttp.NewTopic();
        var ids = new List<string>();
        for (var i = 0; i < 5; i++)
        {
            ids.Add(await RealtimeHttp.PublishAsync(Http, topic, new { n = i }, "n"));
        }

        var first = await Http.GetFromJsonAsync<JsonElement>($"/topics/{topic}/events?limit=2");
        var next = await fixture.Silos[1].Http.GetFromJsonAsync<JsonElement>($"/topics/{topic}/events?after={ids[1]}&limit=10");

        Assert.Equal(ids[..2], first.GetProperty("events").EnumerateArray().Select(e => e.GetProperty("id").GetString()));
        Assert.Equal(ids[2..], next.GetProperty("events").EnumerateArray().Select(e => e.GetProperty("id").GetString()));
        Assert.Equal(4, next.GetProperty("events")[2].GetProperty("data").GetProperty("n").GetInt32());
        Assert.Equal("n", next.GetProperty("events")[0].GetProperty("type").GetString());
        Assert.False(next.GetProperty("reset").GetBoolean());
        Assert.Equal(ids[^1], next.GetProperty("lastId").GetString());
    }

    [Fact]
    public async Task BadInput_IsA400NamingTheField_AndPublishesNothing()
    {
        var topic = RealtimeHttp.NewTopic();
        using var badTopic = await Http.PostAsJsonAsync("/topics/no%20spaces/events", new { data = 1 });
        using var longTopic = await Http.PostAsJsonAsync($"/topics/{ProblemAssert.LongKey}/events", new { data = 1 });
        using var braces = await Http.PostAsJsonAsync("/topics/a%7Bb%7D/events", new { data = 1 });
        using var badType = await Http.PostAsJsonAsync($"/topics/{topic}/events", new { type = "two words", data = 1 });
        using var noData = await Http.PostAsJsonAsync($"/topics/{topic}/events", new { type = "x" });
        using var oversized = await Http.PostAsJsonAsync($"/topics/{topic}/events", new { data = new string('x', 70_000) });
        using var badAfter = await Http.GetAsync($"/topics/{topic}/events?after=yesterday");
        using var badLimit = await Http.GetAsync($"/topics/{topic}/events?limit=100000");
        using var badHeader = new HttpRequestMessage(HttpMethod.Get, $"/topics/{topic}/events");
        badHeader.Headers.Accept.ParseAdd("text/event-stream");
        badHeader.Headers.Add("Last-Event-ID", "12-x");
        using var badLastEventId = await Http.SendAsync(badHeader);
        using var unknownRoom = await Http.GetAsync($"/rooms/{Guid.NewGuid():N}/members");
        using var badTtl = await Http.PutAsJsonAsync($"/rooms/r{Guid.NewGuid():N}/members/alice", new { ttlSeconds = 0 });
        using var badMember = await Http.PutAsJsonAsync($"/rooms/r{Guid.NewGuid():N}/members/{ProblemAssert.LongKey}", new { ttlSeconds = 5 });

        await ProblemAssert.IsInvalidAsync(badTopic, "topic");
        await ProblemAssert.IsInvalidAsync(longTopic, "topic");
        await ProblemAssert.IsInvalidAsync(braces, "topic");
        await ProblemAssert.IsInvalidAsync(badType, "type");
        await ProblemAssert.IsInvalidAsync(noData, "data");
        await ProblemAssert.IsInvalidAsync(oversized, "data");
        await ProblemAssert.IsInvalidAsync(badAfter, "after");
        await ProblemAssert.IsInvalidAsync(badLimit, "limit");
        await ProblemAssert.IsInvalidAsync(badLastEventId, "Last-Event-ID");
        await ProblemAssert.IsAsync(unknownRoom, HttpStatusCode.NotFound);
        await ProblemAssert.IsInvalidAsync(badTtl, "ttlSeconds");
        await ProblemAssert.IsInvalidAsync(badMember, "member");
        Assert.Empty(await RealtimeHttp.HistoryAsync(Http, topic));
    }

    [Fact]
    public async Task RedisDown_PublishSubscribeHistoryAndPresence_Answer503WithTheReason_ThenRecover()
    {
        var topic = RealtimeHttp.NewTopic();
        var before = await RealtimeHttp.PublishAsync(Http, topic, new { n = 0 });
        HttpResponseMessage publish, subscribe, history, heartbeat;
        await fixture.Redis.ShutdownAsync();
        try
        {
            // A topic this silo has no relay for yet, so the subscription has to reach Redis before the stream starts.
            using var sse = new HttpRequestMessage(HttpMethod.Get, $"/topics/{RealtimeHttp.NewTopic()}/events");
            sse.Headers.Accept.ParseAdd("text/event-stream");
            using var cancel = new CancellationTokenSource(Long);
            publish = await Http.PostAsJsonAsync($"/topics/{topic}/events", new { data = new { n = 1 } }, cancel.Token);
            subscribe = await Http.SendAsync(sse, HttpCompletionOption.ResponseHeadersRead, cancel.Token);
            history = await Http.GetAsync($"/topics/{topic}/events?after=0-0", cancel.Token);
            heartbeat = await Http.PutAsJsonAsync($"/rooms/r{Guid.NewGuid():N}/members/alice", new { ttlSeconds = 30 }, cancel.Token);
        }
        finally
        {
            await fixture.RestartRedisAsync();
        }

        foreach (var answer in new[] { publish, subscribe, history, heartbeat })
        {
            using (answer)
            {
                var problem = await ProblemAssert.IsAsync(answer, HttpStatusCode.ServiceUnavailable);
                Assert.Equal("redis", problem.GetProperty("backend").GetString());
            }
        }

        // Nothing refused was published; publishing works again without restarting a silo.
        var after = await Eventually.SucceedsAsync(
            () => RealtimeHttp.PublishAsync(Http, topic, new { n = 2 }), Long, "publishing works again once Redis is back");
        Assert.Equal([before, after], (await RealtimeHttp.HistoryAsync(Http, topic)).Select(e => e.GetProperty("id").GetString()));
    }

    [Fact]
    public async Task Presence_MembersOnBothSilos_AreListed_AndJoinLeaveArePublished()
    {
        var room = $"r{Guid.NewGuid():N}";
        using var alice = await Http.PutAsJsonAsync($"/rooms/{room}/members/alice", new { ttlSeconds = 60, data = new { tab = 1 } });
        using var bob = await fixture.Silos[1].Http.PutAsJsonAsync($"/rooms/{room}/members/bob", new { ttlSeconds = 60 });
        using var again = await Http.PutAsJsonAsync($"/rooms/{room}/members/alice", new { ttlSeconds = 60, data = new { tab = 2 } });
        var listed = await fixture.Silos[1].Http.GetFromJsonAsync<JsonElement>($"/rooms/{room}/members");
        using var left = await fixture.Silos[1].Http.DeleteAsync($"/rooms/{room}/members/alice");
        using var leftAgain = await Http.DeleteAsync($"/rooms/{room}/members/alice");
        var history = await RealtimeHttp.HistoryAsync(Http, $"room:{room}");

        Assert.True((await alice.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("joined").GetBoolean());
        Assert.False((await again.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("joined").GetBoolean());
        var members = listed.GetProperty("members").EnumerateArray().ToDictionary(m => m.GetProperty("member").GetString()!);
        Assert.Equal(["alice", "bob"], members.Keys.Order());
        Assert.Equal(2, members["alice"].GetProperty("data").GetProperty("tab").GetInt32());
        Assert.Equal(HttpStatusCode.NoContent, left.StatusCode);
        await ProblemAssert.IsAsync(leftAgain, HttpStatusCode.NotFound);
        Assert.Equal(
            ["join alice", "join bob", "leave alice"],
            history.Select(e => $"{e.GetProperty("type").GetString()} {e.GetProperty("data").GetProperty("member").GetString()}"));
    }

    [Fact]
    public async Task Presence_MemberThatStopsHeartbeating_LeavesAtItsTtl_WithoutAnyCall()
    {
        var room = $"r{Guid.NewGuid():N}";
        using var joined = await fixture.Silos[1].Http.PutAsJsonAsync($"/rooms/{room}/members/carol", new { ttlSeconds = 2 });
        var expiresAt = (await joined.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("expiresAtUtc").GetDateTimeOffset();

        // Nobody calls the room again: the grain's own timer must notice the expiry and publish the leave.
        var leave = await Eventually.SucceedsAsync(async () =>
        {
            var page = await Http.GetFromJsonAsync<JsonElement>($"/topics/room:{room}/events?after=0-0");
            return page.GetProperty("events").EnumerateArray().Single(e => e.GetProperty("type").GetString() == "leave");
        }, Long, "the leave event is published");

        // The leave's id is Redis's time of the publish: never before the expiry, and (room for a stalled machine)
        // well within seconds of it; a member that stayed until a list call or forever would fail the wait above.
        var leftAt = DateTimeOffset.FromUnixTimeMilliseconds(long.Parse(leave.GetProperty("id").GetString()!.Split('-')[0]));
        Assert.Equal("expired", leave.GetProperty("data").GetProperty("reason").GetString());
        Assert.InRange(leftAt, expiresAt, expiresAt.AddSeconds(5));
    }

    [Fact]
    public async Task Notifications_SessionRevokedAndRotated_LockReleased_ReachTheUserTopic()
    {
        var user = $"u{Guid.NewGuid():N}";
        using var created = await Http.PostAsJsonAsync("/sessions", new { userId = user, data = new { } });
        var sessionId = (await created.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("sessionId").GetString()!;
        using var rotated = await Http.PostAsync($"/sessions/{Uri.EscapeDataString(sessionId)}/rotate", null);
        using var revoked = await fixture.Silos[1].Http.DeleteAsync($"/users/{user}/sessions");
        using var acquired = await Http.PostAsJsonAsync($"/locks/n{user}", new { owner = user, leaseMs = 30_000, waitMs = 0 });
        var token = (await acquired.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("token").GetString()!;
        using var released = await Http.DeleteAsync($"/locks/n{user}?token={Uri.EscapeDataString(token)}");

        var types = await Eventually.SucceedsAsync(async () =>
        {
            var found = (await RealtimeHttp.HistoryAsync(Http, $"user:{user}")).Select(e => e.GetProperty("type").GetString()).Order().ToList();
            return found.Count == 3 ? found : throw new InvalidOperationException($"only {string.Join(", ", found)}");
        }, Long, "three notifications arrive");

        Assert.Equal(HttpStatusCode.OK, rotated.StatusCode);
        Assert.Equal(["lock.released", "session.revoked", "session.rotated"], types);
        Assert.DoesNotContain(sessionId, string.Join(",", (await RealtimeHttp.HistoryAsync(Http, $"user:{user}")).Select(e => e.GetRawText())));
    }

    [Fact]
    public async Task LivePage_IsServed_AsPlainHtmlWithEventSource()
    {
        var page = await Http.GetStringAsync("/live");

        Assert.Contains("new EventSource(", page);
        Assert.Contains("peers", page);
    }
}
