using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using OrleansRedis.Testing;
using OrleansRedis.Tests.Foundation;
using OrleansRedis.Tests.Infrastructure;

namespace OrleansRedis.Tests.Queues;

/// <summary>
/// The <c>/queues</c> HTTP contract on two real silo processes: status codes, bodies and headers of the producer,
/// worker and operator paths. Every test leaves the queues it uses empty (what it enqueues it finishes), so the tests
/// of the collection, which run one at a time, see only their own jobs.
/// </summary>
[Collection(SiloProcessCollection.Name)]
public sealed class QueueHttpTests(SiloProcessFixture fixture)
{
    private const string Queue = "http";

    private HttpClient Silo0 => fixture.Silos[0].Http;

    private HttpClient Silo1 => fixture.Silos[1].Http;

    [Fact]
    public async Task Release_HandsTheJobBackUnrun_StaleTokenIs409_NextLeaseIsAttemptOne()
    {
        var id = await QueueHttp.EnqueueAsync(Silo0, Queue, """{"payload":"back","userId":"u-http"}""");
        var first = Assert.Single(await QueueHttp.LeaseAsync(Silo1, Queue, 1, waitMs: 5000));
        using var released = await Silo0.PostAsJsonAsync($"/queues/{Queue}/jobs/{id}/release", new { leaseToken = first.LeaseToken });
        var waiting = await QueueHttp.JobAsync(Silo1, Queue, id);
        using var stale = await Silo1.PostAsJsonAsync($"/queues/{Queue}/jobs/{id}/release", new { leaseToken = first.LeaseToken });
        var second = Assert.Single(await QueueHttp.LeaseAsync(Silo0, Queue, 1, waitMs: 5000));
        Assert.Equal(HttpStatusCode.NoContent, await QueueHttp.CompleteAsync(Silo0, Queue, id, second.LeaseToken));

        Assert.Equal(id, first.Id);
        Assert.Equal(HttpStatusCode.NoContent, released.StatusCode);
        Assert.Equal(("waiting", 0), (waiting.GetProperty("state").GetString(), waiting.GetProperty("attempts").GetInt32()));
        await ProblemAssert.IsAsync(stale, HttpStatusCode.Conflict);
        Assert.Equal((id, 1), (second.Id, second.Attempt));
    }

    [Fact]
    public async Task EnqueueLeaseHeartbeatComplete_ThroughBothSilos_FollowTheContract()
    {
        using var enqueued = await QueueHttp.SendAsync(Silo0, HttpMethod.Post, $"/queues/{Queue}/jobs",
            """{"payload":{"to":"ada@example.com","n":[1,2]},"key":"ada","priority":"high"}""");
        Assert.Equal(HttpStatusCode.Accepted, enqueued.StatusCode);
        var created = await enqueued.Content.ReadFromJsonAsync<JsonElement>();
        var id = created.GetProperty("jobId").GetString()!;
        var waiting = await QueueHttp.JobAsync(Silo1, Queue, id);
        var lease = Assert.Single(await QueueHttp.LeaseAsync(Silo1, Queue, max: 10, waitMs: 5000));
        using var heartbeat = await Silo0.PostAsJsonAsync($"/queues/{Queue}/jobs/{id}/heartbeat",
            new { leaseToken = lease.LeaseToken, leaseMs = 60_000, progress = new { pct = 50 } });
        Assert.Equal(HttpStatusCode.OK, heartbeat.StatusCode);
        var extended = await heartbeat.Content.ReadFromJsonAsync<JsonElement>();
        var active = await QueueHttp.JobAsync(Silo0, Queue, id);
        using var complete = await Silo1.PostAsJsonAsync($"/queues/{Queue}/jobs/{id}/complete", new { leaseToken = lease.LeaseToken, result = new { sent = true } });
        using var again = await Silo0.PostAsJsonAsync($"/queues/{Queue}/jobs/{id}/complete", new { leaseToken = lease.LeaseToken });
        using var lateHeartbeat = await Silo1.PostAsJsonAsync($"/queues/{Queue}/jobs/{id}/heartbeat", new { leaseToken = lease.LeaseToken });
        var lateBody = await ProblemAssert.IsAsync(lateHeartbeat, HttpStatusCode.Conflict);
        using var lateFail = await Silo0.PostAsJsonAsync($"/queues/{Queue}/jobs/{id}/fail", new { leaseToken = lease.LeaseToken, error = "late" });
        await ProblemAssert.IsAsync(lateFail, HttpStatusCode.Conflict);
        var done = await QueueHttp.JobAsync(Silo1, Queue, id);

        Assert.Equal(HttpStatusCode.Accepted, enqueued.StatusCode);
        Assert.Equal($"/queues/{Queue}/jobs/{id}", enqueued.Headers.Location?.ToString());
        Assert.False(created.GetProperty("deduplicated").GetBoolean());
        Assert.Equal("waiting", created.GetProperty("state").GetString());
        Assert.Equal(("waiting", "high", "ada"), (waiting.GetProperty("state").GetString(), waiting.GetProperty("priority").GetString(), waiting.GetProperty("key").GetString()));
        Assert.Equal("""{"to":"ada@example.com","n":[1,2]}""", waiting.GetProperty("payload").GetRawText());
        Assert.Equal((id, 1), (lease.Id, lease.Attempt));
        Assert.Equal("""{"to":"ada@example.com","n":[1,2]}""", lease.Payload.GetRawText());
        Assert.Equal(HttpStatusCode.OK, heartbeat.StatusCode);
        // 60 s from the heartbeat: later than the 30 s lease it replaced could reach, however slow the calls between.
        Assert.True(extended.GetProperty("leaseExpiresAtUtc").GetDateTimeOffset() > lease.LeaseExpiresAtUtc.AddSeconds(15), extended.ToString());
        Assert.Equal(("active", 1), (active.GetProperty("state").GetString(), active.GetProperty("attempts").GetInt32()));
        Assert.Equal("""{"pct":50}""", active.GetProperty("progress").GetRawText());
        Assert.Equal(HttpStatusCode.NoContent, complete.StatusCode);
        // A completion retried with its token (its answer was lost) lands again; the spent lease does nothing else.
        Assert.Equal(HttpStatusCode.NoContent, again.StatusCode);
        Assert.False(string.IsNullOrEmpty(lateBody.GetProperty("detail").GetString()));
        Assert.Equal("completed", done.GetProperty("state").GetString());
        Assert.Equal("""{"sent":true}""", done.GetProperty("result").GetRawText());
    }

    [Fact]
    public async Task Enqueue_BulkAndIdempotencyKey_OneIdPerJobInOrderAndDuplicateAnswersTheFirstId()
    {
        var idempotencyKey = $"order-{Guid.NewGuid():N}";
        using var bulk = await QueueHttp.SendAsync(Silo0, HttpMethod.Post, $"/queues/{Queue}/jobs",
            $$"""[{"payload":1},{"payload":"two","delayMs":0},{"payload":[3],"idempotencyKey":"{{idempotencyKey}}"}]""");
        var jobs = (await bulk.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("jobs").EnumerateArray().ToList();
        using var duplicate = await QueueHttp.SendAsync(Silo1, HttpMethod.Post, $"/queues/{Queue}/jobs",
            $$"""{"payload":"other","idempotencyKey":"{{idempotencyKey}}"}""");
        var deduplicated = await duplicate.Content.ReadFromJsonAsync<JsonElement>();
        var ids = jobs.Select(j => j.GetProperty("jobId").GetString()!).ToList();
        var payloads = new List<string>();
        foreach (var id in ids)
        {
            payloads.Add((await QueueHttp.JobAsync(Silo1, Queue, id)).GetProperty("payload").GetRawText());
        }

        foreach (var lease in await QueueHttp.LeaseAllAsync(Silo0, Queue, ids))
        {
            Assert.Equal(HttpStatusCode.NoContent, await QueueHttp.CompleteAsync(Silo0, Queue, lease.Id, lease.LeaseToken));
        }

        Assert.Equal(HttpStatusCode.Accepted, bulk.StatusCode);
        Assert.Equal(3, ids.Distinct().Count());
        Assert.All(jobs, j => Assert.False(j.GetProperty("deduplicated").GetBoolean()));
        Assert.Equal(["1", "\"two\"", "[3]"], payloads);
        Assert.Equal(HttpStatusCode.Accepted, duplicate.StatusCode);
        Assert.True(deduplicated.GetProperty("deduplicated").GetBoolean());
        Assert.Equal(ids[2], deduplicated.GetProperty("jobId").GetString());
    }

    [Fact]
    public async Task Lease_NothingReadyThenAnEnqueue_TheWaitingLeaseGetsTheJob()
    {
        // 10 s of wait (under the HTTP client's 15 s): the enqueue below lands long before, so an empty answer means the
        // enqueue did not wake it.
        var waiting = QueueHttp.LeaseAsync(Silo1, Queue, max: 1, waitMs: 10_000);
        var id = await QueueHttp.EnqueueAsync(Silo0, Queue, """{"payload":{"wake":true}}""");
        var leased = await waiting;
        var lease = leased.Count == 1 ? leased[0] : Assert.Single(await QueueHttp.LeaseAsync(Silo0, Queue, 1, waitMs: 5000));

        Assert.Equal(HttpStatusCode.NoContent, await QueueHttp.CompleteAsync(Silo0, Queue, lease.Id, lease.LeaseToken));
        Assert.Equal(id, lease.Id);
        Assert.Single(leased);
    }

    [Fact]
    public async Task FailTwice_DeadWithErrorKept_RetryAndPurgeNeedTheAdminKey()
    {
        var id = await QueueHttp.EnqueueAsync(Silo0, Queue, """{"payload":"doomed"}""");
        var first = Assert.Single(await QueueHttp.LeaseAsync(Silo0, Queue, 1, waitMs: 5000));
        using var failed = await Silo1.PostAsJsonAsync($"/queues/{Queue}/jobs/{id}/fail", new { leaseToken = first.LeaseToken, error = "smtp down", retryAfterMs = 0 });
        var retry = await failed.Content.ReadFromJsonAsync<JsonElement>();
        var second = Assert.Single(await QueueHttp.LeaseAsync(Silo1, Queue, 1, waitMs: 5000));
        using var died = await Silo0.PostAsJsonAsync($"/queues/{Queue}/jobs/{id}/fail", new { leaseToken = second.LeaseToken, error = "smtp still down" });
        var dead = await died.Content.ReadFromJsonAsync<JsonElement>();
        var list = await Silo1.GetFromJsonAsync<JsonElement>($"/queues/{Queue}/dead?limit=10");
        using var retryWithoutKey = await QueueHttp.AdminAsync(Silo0, HttpMethod.Post, $"/queues/{Queue}/dead/{id}/retry", adminKey: null);
        using var retried = await QueueHttp.AdminAsync(Silo0, HttpMethod.Post, $"/queues/{Queue}/dead/{id}/retry", fixture.AdminKey);
        using var retriedAgain = await QueueHttp.AdminAsync(Silo0, HttpMethod.Post, $"/queues/{Queue}/dead/{id}/retry", fixture.AdminKey);
        var third = Assert.Single(await QueueHttp.LeaseAsync(Silo0, Queue, 1, waitMs: 5000));
        using var diedAgain = await Silo0.PostAsJsonAsync($"/queues/{Queue}/jobs/{id}/fail", new { leaseToken = third.LeaseToken, error = "gave up", retryAfterMs = 0 });
        var fourth = Assert.Single(await QueueHttp.LeaseAsync(Silo0, Queue, 1, waitMs: 5000));
        using var diedLast = await Silo0.PostAsJsonAsync($"/queues/{Queue}/jobs/{id}/fail", new { leaseToken = fourth.LeaseToken, error = "gave up" });
        using var purgeWithoutKey = await QueueHttp.AdminAsync(Silo1, HttpMethod.Delete, $"/queues/{Queue}/dead", adminKey: null);
        using var purged = await QueueHttp.AdminAsync(Silo1, HttpMethod.Delete, $"/queues/{Queue}/dead", fixture.AdminKey);
        var purgedBody = await purged.Content.ReadFromJsonAsync<JsonElement>();
        var afterPurge = await Silo1.GetFromJsonAsync<JsonElement>($"/queues/{Queue}/dead");

        Assert.Equal(("failed", true), (retry.GetProperty("state").GetString(), retry.TryGetProperty("nextAttemptAtUtc", out var next) && next.ValueKind == JsonValueKind.String));
        Assert.Equal((id, 2), (second.Id, second.Attempt));
        Assert.Equal(HttpStatusCode.OK, died.StatusCode);
        Assert.Equal("dead", dead.GetProperty("state").GetString());
        var entry = Assert.Single(list.GetProperty("jobs").EnumerateArray(), j => j.GetProperty("id").GetString() == id);
        Assert.Equal(("smtp still down", 2, "\"doomed\""), (entry.GetProperty("error").GetString(), entry.GetProperty("attempts").GetInt32(), entry.GetProperty("payload").GetRawText()));
        Assert.Equal(HttpStatusCode.Unauthorized, retryWithoutKey.StatusCode);
        Assert.Equal(HttpStatusCode.NoContent, retried.StatusCode);
        await ProblemAssert.IsAsync(retriedAgain, HttpStatusCode.NotFound);
        Assert.Equal((id, 1), (third.Id, third.Attempt));
        Assert.Equal((HttpStatusCode.OK, HttpStatusCode.OK), (diedAgain.StatusCode, diedLast.StatusCode));
        Assert.Equal(HttpStatusCode.Unauthorized, purgeWithoutKey.StatusCode);
        Assert.True(purgedBody.GetProperty("purged").GetInt64() >= 1, purgedBody.ToString());
        Assert.Empty(afterPurge.GetProperty("jobs").EnumerateArray());
    }

    [Fact]
    public async Task Cancel_ActiveJob_ItsTokenIsRefusedEverywhere()
    {
        var id = await QueueHttp.EnqueueAsync(Silo0, Queue, """{"payload":{"cancel":"me"}}""");
        var lease = Assert.Single(await QueueHttp.LeaseAsync(Silo0, Queue, 1, waitMs: 5000));
        using var cancelled = await Silo1.DeleteAsync($"/queues/{Queue}/jobs/{id}");
        var cancelledBody = await cancelled.Content.ReadFromJsonAsync<JsonElement>();
        using var heartbeat = await Silo0.PostAsJsonAsync($"/queues/{Queue}/jobs/{id}/heartbeat", new { leaseToken = lease.LeaseToken });
        using var complete = await Silo1.PostAsJsonAsync($"/queues/{Queue}/jobs/{id}/complete", new { leaseToken = lease.LeaseToken });
        using var fail = await Silo0.PostAsJsonAsync($"/queues/{Queue}/jobs/{id}/fail", new { leaseToken = lease.LeaseToken, error = "late" });
        using var forged = await Silo0.PostAsJsonAsync($"/queues/{Queue}/jobs/{id}/complete", new { leaseToken = "1.AAAAAAAAAAAAAAAAAAAAAA" });
        var after = await QueueHttp.JobAsync(Silo1, Queue, id);
        using var missing = await Silo0.DeleteAsync($"/queues/{Queue}/jobs/0-{new string('x', 22)}");

        Assert.Equal(HttpStatusCode.OK, cancelled.StatusCode);
        Assert.Equal("cancelled", cancelledBody.GetProperty("state").GetString());
        foreach (var refused in new[] { heartbeat, complete, fail, forged })
        {
            await ProblemAssert.IsAsync(refused, HttpStatusCode.Conflict);
        }

        Assert.Equal("cancelled", after.GetProperty("state").GetString());
        await ProblemAssert.IsAsync(missing, HttpStatusCode.NotFound);
    }

    [Fact]
    public async Task PauseResume_AdminOnly_PausedQueueLeasesNothingUntilResumed()
    {
        using var withoutKey = await QueueHttp.AdminAsync(Silo0, HttpMethod.Post, $"/queues/{Queue}/pause", adminKey: null);
        using var paused = await QueueHttp.AdminAsync(Silo0, HttpMethod.Post, $"/queues/{Queue}/pause", fixture.AdminKey);
        IReadOnlyList<QueueHttp.Lease> whilePaused;
        JsonElement stats;
        string id;
        try
        {
            id = await QueueHttp.EnqueueAsync(Silo1, Queue, """{"payload":"after pause"}""");
            whilePaused = await QueueHttp.LeaseAsync(Silo1, Queue, 1, waitMs: 500);
            stats = await QueueHttp.StatsAsync(Silo0, Queue);
        }
        finally
        {
            using var resumed = await QueueHttp.AdminAsync(Silo1, HttpMethod.Post, $"/queues/{Queue}/resume", fixture.AdminKey);
            Assert.Equal(HttpStatusCode.NoContent, resumed.StatusCode);
        }

        var lease = Assert.Single(await QueueHttp.LeaseAsync(Silo0, Queue, 1, waitMs: 5000));
        Assert.Equal(HttpStatusCode.NoContent, await QueueHttp.CompleteAsync(Silo0, Queue, lease.Id, lease.LeaseToken));

        Assert.Equal(HttpStatusCode.Unauthorized, withoutKey.StatusCode);
        Assert.Equal(HttpStatusCode.NoContent, paused.StatusCode);
        Assert.Empty(whilePaused);
        Assert.True(stats.GetProperty("paused").GetBoolean());
        Assert.True(stats.GetProperty("waiting").GetInt64() >= 1, stats.ToString());
        Assert.Equal(id, lease.Id);
    }

    [Fact]
    public async Task Enqueue_QueueAtItsDepthCap_429WithRetryAfterAndNothingEnqueued()
    {
        const string full = "httpfull";
        var ids = new List<string>
        {
            await QueueHttp.EnqueueAsync(Silo0, full, """{"payload":1}"""),
            await QueueHttp.EnqueueAsync(Silo1, full, """{"payload":2}"""),
        };
        var before = await QueueHttp.FiguresAsync(Silo0, full);
        using var single = await QueueHttp.SendAsync(Silo0, HttpMethod.Post, $"/queues/{full}/jobs", """{"payload":3}""");
        using var bulk = await QueueHttp.SendAsync(Silo1, HttpMethod.Post, $"/queues/{full}/jobs", """[{"payload":4},{"payload":5}]""");
        var after = await QueueHttp.FiguresAsync(Silo1, full);
        foreach (var lease in await QueueHttp.LeaseAllAsync(Silo0, full, ids))
        {
            Assert.Equal(HttpStatusCode.NoContent, await QueueHttp.CompleteAsync(Silo0, full, lease.Id, lease.LeaseToken));
        }

        foreach (var refused in new[] { single, bulk })
        {
            var problem = await ProblemAssert.IsAsync(refused, HttpStatusCode.TooManyRequests);
            Assert.Equal(OrleansRedis.AspNetCore.Errors.Problems.TooManyRequestsType, problem.GetProperty("type").GetString());
            Assert.True(refused.Headers.RetryAfter?.Delta >= TimeSpan.FromSeconds(1), "429 without Retry-After");
            Assert.True(problem.GetProperty("retryAfterMs").GetInt64() >= 0);
        }

        Assert.Equal(2, before.Depth);
        Assert.Equal(before, after);
    }

    [Fact]
    public async Task Schedules_PutListDelete_AdminOnlyAndTheNextTickShown()
    {
        const string sched = "httpsched";
        var name = $"s{Guid.NewGuid():N}";
        using var withoutKey = await QueueHttp.SendAsync(Silo0, HttpMethod.Put, $"/queues/{sched}/schedules/{name}", """{"intervalMs":3600000,"payload":1}""");
        using var put = await QueueHttp.SendAsync(Silo0, HttpMethod.Put, $"/queues/{sched}/schedules/{name}",
            """{"cron":"0 3 * * *","timeZone":"Europe/Paris","payload":{"report":"nightly"},"priority":"low"}""", fixture.AdminKey);
        var schedule = await put.Content.ReadFromJsonAsync<JsonElement>();
        var list = await Silo1.GetFromJsonAsync<JsonElement>($"/queues/{sched}/schedules");
        using var deleted = await QueueHttp.AdminAsync(Silo1, HttpMethod.Delete, $"/queues/{sched}/schedules/{name}", fixture.AdminKey);
        using var deletedAgain = await QueueHttp.AdminAsync(Silo1, HttpMethod.Delete, $"/queues/{sched}/schedules/{name}", fixture.AdminKey);
        var afterDelete = await Silo0.GetFromJsonAsync<JsonElement>($"/queues/{sched}/schedules");

        Assert.Equal(HttpStatusCode.Unauthorized, withoutKey.StatusCode);
        Assert.Equal(HttpStatusCode.OK, put.StatusCode);
        Assert.Equal((name, "0 3 * * *", "low"), (schedule.GetProperty("name").GetString(), schedule.GetProperty("cron").GetString(), schedule.GetProperty("priority").GetString()));
        var nextTick = schedule.GetProperty("nextTickUtc").GetDateTimeOffset();
        Assert.InRange(nextTick, DateTimeOffset.UtcNow.AddMinutes(-1), DateTimeOffset.UtcNow.AddDays(1).AddHours(1));
        Assert.Contains(list.GetProperty("schedules").EnumerateArray(), s => s.GetProperty("name").GetString() == name);
        Assert.Equal(HttpStatusCode.NoContent, deleted.StatusCode);
        await ProblemAssert.IsAsync(deletedAgain, HttpStatusCode.NotFound);
        Assert.DoesNotContain(afterDelete.GetProperty("schedules").EnumerateArray(), s => s.GetProperty("name").GetString() == name);
    }

    [Fact]
    public async Task RedisDown_EnqueueLeaseStatsAndJobLookup_Answer503NamingRedisWithinFifteenSeconds_NothingRefusedWritten_ThenRecover()
    {
        var idempotency = $"down-{Guid.NewGuid():N}";
        var before = await QueueHttp.EnqueueAsync(Silo0, Queue, """{"payload":"before"}""");
        var answers = new List<(string What, HttpResponseMessage Answer, TimeSpan Took)>();
        await fixture.Redis.ShutdownAsync();
        try
        {
            async Task CallAsync(string what, Func<CancellationToken, Task<HttpResponseMessage>> call)
            {
                using var cancel = new CancellationTokenSource(TimeSpan.FromSeconds(40));
                var timer = System.Diagnostics.Stopwatch.StartNew();
                answers.Add((what, await call(cancel.Token), timer.Elapsed));
            }

            await CallAsync("enqueue", c => Silo1.PostAsJsonAsync($"/queues/{Queue}/jobs", new { payload = "refused", idempotencyKey = idempotency }, c));
            await CallAsync("lease", c => Silo0.PostAsJsonAsync($"/queues/{Queue}/leases", new { worker = "down", max = 5, waitMs = 0 }, c));
            await CallAsync("stats", c => Silo1.GetAsync($"/queues/{Queue}", c));
            await CallAsync("job", c => Silo0.GetAsync($"/queues/{Queue}/jobs/{before}", c));
        }
        finally
        {
            await fixture.RestartRedisAsync();
        }

        // Each answers the reason, well before the 30 s grain call timeout a hanging call would end with.
        foreach (var (what, answer, took) in answers)
        {
            using (answer)
            {
                var problem = await ProblemAssert.IsAsync(answer, HttpStatusCode.ServiceUnavailable);
                Assert.Equal("redis", problem.GetProperty("backend").GetString());
                Assert.True(took < TimeSpan.FromSeconds(15), $"{what} answered after {took}");
            }
        }

        // Working again without restarting a silo; the refused enqueue wrote nothing (its idempotency key is fresh).
        using var again = await Eventually.SucceedsAsync(async () =>
        {
            var response = await Silo1.PostAsJsonAsync($"/queues/{Queue}/jobs", new { payload = "after", idempotencyKey = idempotency });
            return response.StatusCode == HttpStatusCode.Accepted ? response : throw new HttpRequestException($"answered {(int)response.StatusCode}");
        }, TimeSpan.FromSeconds(30), "enqueueing works again once Redis is back");
        var created = await again.Content.ReadFromJsonAsync<JsonElement>();
        Assert.False(created.GetProperty("deduplicated").GetBoolean());
        var after = created.GetProperty("jobId").GetString()!;
        foreach (var lease in await QueueHttp.LeaseAllAsync(Silo0, Queue, [before, after]))
        {
            Assert.Equal(HttpStatusCode.NoContent, await QueueHttp.CompleteAsync(Silo1, Queue, lease.Id, lease.LeaseToken));
        }
    }

    [Fact]
    public async Task OpenApi_DescribesTheQueueRoutes()
    {
        var document = await Silo0.GetFromJsonAsync<JsonElement>("/openapi/v1.json");
        var paths = document.GetProperty("paths");

        foreach (var path in new[] { "/queues/{queue}/jobs", "/queues/{queue}/jobs/{id}", "/queues/{queue}/leases", "/queues/{queue}/jobs/{id}/complete", "/queues/{queue}", "/queues/{queue}/schedules/{name}" })
        {
            Assert.True(paths.TryGetProperty(path, out _), $"no {path} in the OpenAPI document");
        }

        Assert.Contains(document.GetProperty("tags").EnumerateArray(), t => t.GetProperty("name").GetString() == "Queues");
    }
}
