using System.Text.Json;
using OrleansRedis.Abstractions.Queues;
using OrleansRedis.Abstractions.Realtime;
using OrleansRedis.Testing;

namespace OrleansRedis.Tests.Queues;

/// <summary>
/// Job events on the real-time topics (real Redis, two silos): <c>job:{id}</c> and <c>user:{userId}</c> read back as
/// a subscriber replaying from the start sees them.
/// </summary>
[Collection(QueueClusterCollection.Name)]
public sealed class QueueEventTests(QueueClusterFixture fixture)
{
    private static readonly TimeSpan Long = TimeSpan.FromSeconds(30);

    [Fact]
    public async Task UserJob_HeartbeatWithProgressThenComplete_JobTopicSeesProgressThenCompleted_JobWithoutUserPublishesNothing()
    {
        var queue = fixture.Queue(QueueClusterFixture.External);
        var user = "ev-" + Guid.NewGuid().ToString("N");
        var plain = (await queue.EnqueueAsync(new JobSpec("0"))).JobId;
        var plainLease = await QueueLeases.LeaseOneAsync(queue, plain);
        await queue.CompleteAsync(plain, plainLease.LeaseToken);
        var id = (await queue.EnqueueAsync(new JobSpec("1", UserId: user))).JobId;
        var lease = await QueueLeases.LeaseOneAsync(queue, id);

        await queue.HeartbeatAsync(id, lease.LeaseToken, progress: """{"pct":50}""");
        await queue.CompleteAsync(id, lease.LeaseToken, """{"sent":true}""");

        var events = await EventsAsync("job:" + id, 2);
        Assert.Equal(["job.progress", "job.completed"], events.Select(e => e.Type));
        var progress = JsonDocument.Parse(events[0].Data).RootElement;
        var completed = JsonDocument.Parse(events[1].Data).RootElement;
        Assert.Equal((QueueClusterFixture.External, id, 1), (progress.GetProperty("queue").GetString(), progress.GetProperty("jobId").GetString(), progress.GetProperty("attempt").GetInt32()));
        Assert.Equal("""{"pct":50}""", progress.GetProperty("progress").GetRawText());
        Assert.Equal("""{"sent":true}""", completed.GetProperty("result").GetRawText());
        Assert.Equal(["job.progress", "job.completed"], (await EventsAsync(RealtimeLimits.UserTopic(user), 2)).Select(e => e.Type));
        Assert.Empty((await Topic("job:" + plain).ReadAsync(null, 10)).Events);
    }

    [Fact]
    public async Task UserJob_FailedThenFailedOnItsLastAttempt_UserTopicSeesFailedThenDead()
    {
        var queue = fixture.Queue(QueueClusterFixture.External);
        var user = "ev-" + Guid.NewGuid().ToString("N");
        var id = (await queue.EnqueueAsync(new JobSpec("2", MaxAttempts: 2, UserId: user))).JobId;

        var first = await QueueLeases.LeaseOneAsync(queue, id);
        var retry = await queue.FailAsync(id, first.LeaseToken, "boom 1");
        var second = await QueueLeases.LeaseOneAsync(queue, id);
        await queue.FailAsync(id, second.LeaseToken, "boom 2");

        var events = await EventsAsync(RealtimeLimits.UserTopic(user), 2);
        Assert.Equal(["job.failed", "job.dead"], events.Select(e => e.Type));
        var failed = JsonDocument.Parse(events[0].Data).RootElement;
        var dead = JsonDocument.Parse(events[1].Data).RootElement;
        Assert.Equal((id, 1, "boom 1"), (failed.GetProperty("jobId").GetString(), failed.GetProperty("attempt").GetInt32(), failed.GetProperty("error").GetString()));
        Assert.Equal(retry.NextAttemptAtUtc, failed.GetProperty("nextAttemptAtUtc").GetDateTimeOffset());
        Assert.Equal((id, 2, "boom 2"), (dead.GetProperty("jobId").GetString(), dead.GetProperty("attempt").GetInt32(), dead.GetProperty("error").GetString()));
        Assert.Equal(["job.failed", "job.dead"], (await EventsAsync("job:" + id, 2)).Select(e => e.Type));
    }

    [Fact]
    public async Task BadUserId_RefusedAsInvalidNamingTheField()
    {
        var error = await Assert.ThrowsAsync<QueueException>(() => fixture.Queue(QueueClusterFixture.External).EnqueueAsync(new JobSpec("1", UserId: "a b")));

        Assert.Equal((QueueErrorCode.Invalid, "userId"), (error.Code, error.Field));
    }

    private ITopicGrain Topic(string topic) => fixture.Grains.GetGrain<ITopicGrain>(topic);

    private async Task<IReadOnlyList<TopicEvent>> EventsAsync(string topic, int count) => await Eventually.SucceedsAsync(
        async () =>
        {
            var page = await Topic(topic).ReadAsync(null, 10);
            return page.Events.Count >= count ? page.Events : throw new InvalidOperationException($"{page.Events.Count} events on {topic}");
        },
        Long,
        $"{count} events on {topic}");
}
