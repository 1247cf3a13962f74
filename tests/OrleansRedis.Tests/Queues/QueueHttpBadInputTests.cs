using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using OrleansRedis.Tests.Foundation;
using OrleansRedis.Tests.Infrastructure;

namespace OrleansRedis.Tests.Queues;

/// <summary>
/// Bad input on every queue route of two real silo processes: a 4xx problem+json naming the field, and nothing
/// enqueued or changed (the queue's figures and the job are read back after each refusal).
/// </summary>
[Collection(SiloProcessCollection.Name)]
public sealed class QueueHttpBadInputTests(SiloProcessFixture fixture)
{
    private const string Queue = "http";

    private HttpClient Http => fixture.Silos[0].Http;

    [Theory]
    [InlineData("""{"key":"a"}""", "payload")]
    [InlineData("""{"payload":null}""", "payload")]
    [InlineData("""{"payload":1,"priority":"urgent"}""", "priority")]
    [InlineData("""{"payload":1,"priority":0}""", "priority")]
    [InlineData("""{"payload":1,"priority":"0"}""", "priority")]
    [InlineData("""{"payload":1,"delayMs":-1}""", "delayMs")]
    [InlineData("""{"payload":1,"delayMs":"soon"}""", "delayMs")]
    [InlineData("""{"payload":1,"delayMs":1.5}""", "delayMs")]
    [InlineData("""{"payload":1,"runAtUtc":"tomorrow"}""", "runAtUtc")]
    [InlineData("""{"payload":1,"runAtUtc":"2030-01-01T00:00:00Z","delayMs":5}""", "runAtUtc")]
    [InlineData("""{"payload":1,"key":42}""", "key")]
    [InlineData("""{"payload":1,"key":""}""", "key")]
    [InlineData("""{"payload":1,"key":"a\u0001b"}""", "key")]
    [InlineData("""{"payload":1,"idempotencyKey":""}""", "idempotencyKey")]
    [InlineData("""{"payload":1,"maxAttempts":0}""", "maxAttempts")]
    [InlineData("""{"payload":1,"maxAttempts":1001}""", "maxAttempts")]
    [InlineData("""{"payload":1,"backoffMs":-5}""", "backoffMs")]
    [InlineData("""{"payload":1,"backoffMs":300001}""", "backoffMs")]
    [InlineData("""{"payload":1,"delay":60000}""", "delay")]
    [InlineData("""{"payload":1,"userId":"a b"}""", "userId")]
    [InlineData("""{"payload":1,"userId":7}""", "userId")]
    [InlineData("""[{"payload":1},{"payload":2,"delay":1}]""", "[1].delay")]
    [InlineData("""[{"payload":1},{"payload":2,"priority":"urgent"}]""", "[1].priority")]
    [InlineData("""[{"payload":1},7]""", "[1]")]
    [InlineData("""[]""", "body")]
    [InlineData("""42""", "body")]
    [InlineData("""not json""", "body")]
    [InlineData("", "body")]
    public async Task Enqueue_BadBody_400NamingTheFieldAndNothingEnqueued(string body, string field)
    {
        var before = await QueueHttp.FiguresAsync(Http, Queue);

        using var response = await QueueHttp.SendAsync(Http, HttpMethod.Post, $"/queues/{Queue}/jobs", body);

        await ProblemAssert.IsInvalidAsync(response, field);
        Assert.Equal(before, await QueueHttp.FiguresAsync(fixture.Silos[1].Http, Queue));
    }

    [Fact]
    public async Task Enqueue_OverLongKeysOrPayloadOrBody_400Or413AndNothingEnqueued()
    {
        var before = await QueueHttp.FiguresAsync(Http, Queue);
        var payload = new string('p', 70 * 1024); // over the 64 KiB payload limit, under the body cap
        var body = new string('b', 2 * 1024 * 1024); // over the 1 MiB body cap

        using var bigPayload = await Http.PostAsJsonAsync($"/queues/{Queue}/jobs", new { payload });
        using var bigInBulk = await Http.PostAsJsonAsync($"/queues/{Queue}/jobs", new object[] { new { payload = 1 }, new { payload } });
        using var longKey = await Http.PostAsJsonAsync($"/queues/{Queue}/jobs", new { payload = 1, key = ProblemAssert.LongKey });
        using var longIdempotencyKey = await Http.PostAsJsonAsync($"/queues/{Queue}/jobs", new { payload = 1, idempotencyKey = ProblemAssert.LongKey });
        using var tooMany = await Http.PostAsJsonAsync($"/queues/{Queue}/jobs", Enumerable.Range(0, 1001).Select(i => new { payload = i }).ToArray());
        using var hugeBody = await Http.PostAsJsonAsync($"/queues/{Queue}/jobs", new { payload = body });

        await ProblemAssert.IsInvalidAsync(bigPayload, "payload");
        await ProblemAssert.IsInvalidAsync(bigInBulk, "[1].payload");
        await ProblemAssert.IsInvalidAsync(longKey, "key");
        await ProblemAssert.IsInvalidAsync(longIdempotencyKey, "idempotencyKey");
        await ProblemAssert.IsInvalidAsync(tooMany, "body");
        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, hugeBody.StatusCode);
        Assert.Equal(before, await QueueHttp.FiguresAsync(Http, Queue));
    }

    [Fact]
    public async Task AllRoutes_UnknownQueue404_MalformedQueueOrIdOrName400()
    {
        var id = $"0-{new string('a', 22)}";
        var routes = new (HttpMethod Method, string Path, string? Body)[]
        {
            (HttpMethod.Post, "/queues/{q}/jobs", """{"payload":1}"""),
            (HttpMethod.Get, $"/queues/{{q}}/jobs/{id}", null),
            (HttpMethod.Delete, $"/queues/{{q}}/jobs/{id}", null),
            (HttpMethod.Post, "/queues/{q}/leases", """{"worker":"w"}"""),
            (HttpMethod.Post, $"/queues/{{q}}/jobs/{id}/heartbeat", """{"leaseToken":"1.a"}"""),
            (HttpMethod.Post, $"/queues/{{q}}/jobs/{id}/complete", """{"leaseToken":"1.a"}"""),
            (HttpMethod.Post, $"/queues/{{q}}/jobs/{id}/fail", """{"leaseToken":"1.a","error":"e"}"""),
            (HttpMethod.Get, "/queues/{q}", null),
            (HttpMethod.Post, "/queues/{q}/pause", null),
            (HttpMethod.Post, "/queues/{q}/resume", null),
            (HttpMethod.Get, "/queues/{q}/dead", null),
            (HttpMethod.Post, $"/queues/{{q}}/dead/{id}/retry", null),
            (HttpMethod.Delete, "/queues/{q}/dead", null),
            (HttpMethod.Get, "/queues/{q}/schedules", null),
            (HttpMethod.Put, "/queues/{q}/schedules/s1", """{"intervalMs":60000,"payload":1}"""),
            (HttpMethod.Delete, "/queues/{q}/schedules/s1", null),
        };

        foreach (var (method, path, body) in routes)
        {
            using var unknown = await SendAsync(method, path.Replace("{q}", "nosuchqueue", StringComparison.Ordinal), body);
            using var malformed = await SendAsync(method, path.Replace("{q}", ProblemAssert.LongKey, StringComparison.Ordinal), body);
            var problem = await ProblemAssert.IsAsync(unknown, HttpStatusCode.NotFound);
            Assert.Contains("nosuchqueue", problem.GetProperty("detail").GetString());
            await ProblemAssert.IsInvalidAsync(malformed, "queue");
        }

        foreach (var badId in new[] { ProblemAssert.LongKey, "no-partition", "x-abc", "1-a%2Fb" })
        {
            foreach (var (method, path, body) in routes.Where(r => r.Path.Contains(id, StringComparison.Ordinal)))
            {
                using var response = await SendAsync(method, path.Replace("{q}", Queue, StringComparison.Ordinal).Replace(id, badId, StringComparison.Ordinal), body);
                await ProblemAssert.IsInvalidAsync(response, "id");
            }
        }

        using var longSchedule = await SendAsync(HttpMethod.Put, $"/queues/httpsched/schedules/{ProblemAssert.LongKey}", """{"intervalMs":60000,"payload":1}""");
        using var longScheduleDelete = await SendAsync(HttpMethod.Delete, $"/queues/httpsched/schedules/{ProblemAssert.LongKey}", null);
        using var longLimit = await Http.GetAsync($"/queues/{Queue}/dead?limit={ProblemAssert.LongKey}");
        using var zeroLimit = await Http.GetAsync($"/queues/{Queue}/dead?limit=0");
        using var longOlderThan = await SendAsync(HttpMethod.Delete, $"/queues/{Queue}/dead?olderThanUtc={ProblemAssert.LongKey}", null);
        await ProblemAssert.IsInvalidAsync(longSchedule, "name");
        await ProblemAssert.IsInvalidAsync(longScheduleDelete, "name");
        await ProblemAssert.IsInvalidAsync(longLimit, "limit");
        await ProblemAssert.IsInvalidAsync(zeroLimit, "limit");
        await ProblemAssert.IsInvalidAsync(longOlderThan, "olderThanUtc");
    }

    [Theory]
    [InlineData("""{"max":1}""", "worker")]
    [InlineData("""{"worker":"","max":1}""", "worker")]
    [InlineData("""{"worker":"w","max":0}""", "max")]
    [InlineData("""{"worker":"w","max":1001}""", "max")]
    [InlineData("""{"worker":"w","leaseMs":999}""", "leaseMs")]
    [InlineData("""{"worker":"w","leaseMs":3600001}""", "leaseMs")]
    [InlineData("""{"worker":"w","waitMs":-1}""", "waitMs")]
    [InlineData("""{"worker":"w","waitMs":20001}""", "waitMs")]
    [InlineData("""{"worker":"w","max":"all"}""", "body")]
    public async Task Lease_BadBody_400NamingTheField(string body, string field)
    {
        using var response = await QueueHttp.SendAsync(Http, HttpMethod.Post, $"/queues/{Queue}/leases", body);

        await ProblemAssert.IsInvalidAsync(response, field);
    }

    [Fact]
    public async Task HeartbeatCompleteFail_BadBody_400AndTheJobKeepsItsLease()
    {
        var id = await QueueHttp.EnqueueAsync(Http, Queue, """{"payload":"held"}""");
        var lease = Assert.Single(await QueueHttp.LeaseAsync(Http, Queue, 1, waitMs: 5000));
        var token = lease.LeaseToken;
        var longToken = new string('t', 129);
        var requests = new (string Action, object Body, string Field)[]
        {
            ("heartbeat", new { leaseMs = 30_000 }, "leaseToken"),
            ("heartbeat", new { leaseToken = longToken }, "leaseToken"),
            ("heartbeat", new { leaseToken = ProblemAssert.LongKey }, "leaseToken"),
            ("heartbeat", new { leaseToken = "bad token" }, "leaseToken"),
            ("heartbeat", new { leaseToken = token, leaseMs = 500 }, "leaseMs"),
            ("heartbeat", new { leaseToken = token, leaseMs = 3_600_001 }, "leaseMs"),
            ("heartbeat", new { leaseToken = token, progress = new string('p', 9000) }, "progress"),
            ("complete", new { result = 1 }, "leaseToken"),
            ("complete", new { leaseToken = token, result = new string('r', 70 * 1024) }, "result"),
            ("fail", new { leaseToken = token }, "error"),
            ("fail", new { leaseToken = token, error = " " }, "error"),
            ("fail", new { leaseToken = token, error = "e", retryAfterMs = -1 }, "retryAfterMs"),
            ("fail", new { leaseToken = longToken, error = "e" }, "leaseToken"),
            ("release", new { }, "leaseToken"),
            ("release", new { leaseToken = "bad token" }, "leaseToken"),
        };

        foreach (var (action, body, field) in requests)
        {
            using var response = await Http.PostAsJsonAsync($"/queues/{Queue}/jobs/{id}/{action}", body);
            await ProblemAssert.IsInvalidAsync(response, field);
        }

        using var notJson = await QueueHttp.SendAsync(Http, HttpMethod.Post, $"/queues/{Queue}/jobs/{id}/complete", "{leaseToken:");
        await ProblemAssert.IsInvalidAsync(notJson, "body");
        var job = await QueueHttp.JobAsync(Http, Queue, id);
        Assert.Equal(HttpStatusCode.NoContent, await QueueHttp.CompleteAsync(Http, Queue, id, token));

        Assert.Equal(("active", 1), (job.GetProperty("state").GetString(), job.GetProperty("attempts").GetInt32()));
        Assert.Equal(lease.LeaseExpiresAtUtc, job.GetProperty("leaseExpiresAtUtc").GetDateTimeOffset());
        Assert.False(job.TryGetProperty("lastError", out var error) && error.ValueKind == JsonValueKind.String, job.ToString());
    }

    [Theory]
    [InlineData("""{"payload":1}""", "cron")]
    [InlineData("""{"cron":"0 3 * * *","intervalMs":60000,"payload":1}""", "cron")]
    [InlineData("""{"cron":"not a cron","payload":1}""", "cron")]
    [InlineData("""{"cron":"61 * * * *","payload":1}""", "cron")]
    [InlineData("""{"cron":"0 3 * * *","timeZone":"Mars/Olympus","payload":1}""", "timeZone")]
    [InlineData("""{"intervalMs":60000,"timeZone":"Europe/Paris","payload":1}""", "timeZone")]
    [InlineData("""{"intervalMs":999,"payload":1}""", "intervalMs")]
    [InlineData("""{"intervalMs":60000}""", "payload")]
    [InlineData("""{"intervalMs":60000,"payload":1,"priority":"urgent"}""", "priority")]
    [InlineData("""{"intervalMs":60000,"payload":1,"key":""}""", "key")]
    public async Task PutSchedule_BadBody_400NamingTheFieldAndNoSchedule(string body, string field)
    {
        var name = $"bad{Guid.NewGuid():N}";

        using var response = await QueueHttp.SendAsync(Http, HttpMethod.Put, $"/queues/httpsched/schedules/{name}", body, fixture.AdminKey);
        var list = await Http.GetFromJsonAsync<JsonElement>("/queues/httpsched/schedules");

        await ProblemAssert.IsInvalidAsync(response, field);
        Assert.DoesNotContain(list.GetProperty("schedules").EnumerateArray(), s => s.GetProperty("name").GetString() == name);
    }

    private Task<HttpResponseMessage> SendAsync(HttpMethod method, string path, string? body) =>
        body is null ? QueueHttp.AdminAsync(Http, method, path, fixture.AdminKey) : QueueHttp.SendAsync(Http, method, path, body, fixture.AdminKey);
}
