using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using OrleansRedis.Abstractions.Sessions;
using OrleansRedis.Testing;
using OrleansRedis.Tests.Foundation;
using OrleansRedis.Tests.Infrastructure;

namespace OrleansRedis.Tests.Sessions;

/// <summary>The session API of two real silo processes, with an external client calling the same grains.</summary>
[Collection(SiloProcessCollection.Name)]
public sealed class SessionHttpTests(SiloProcessFixture fixture)
{
    private HttpClient Silo0 => fixture.Silos[0].Http;

    private HttpClient Silo1 => fixture.Silos[1].Http;

    [Fact]
    public async Task Post_ThenGetThroughTheOtherSilo_201ThenSessionWithData()
    {
        var user = NewUser();

        // The expiries are checked against the clock around the create, so seconds of stall before the check are harmless.
        var before = DateTimeOffset.UtcNow;
        using var post = await Silo0.PostAsJsonAsync("/sessions", new { userId = user, data = new { cart = new[] { 1, 2 } }, idleTimeoutSeconds = 60 });
        var after = DateTimeOffset.UtcNow;
        var created = await post.Content.ReadFromJsonAsync<JsonElement>();
        var id = created.GetProperty("sessionId").GetString()!;
        using var get = await Silo1.GetAsync($"/sessions/{id}");
        var read = await get.Content.ReadFromJsonAsync<JsonElement>();

        Assert.Equal(HttpStatusCode.Created, post.StatusCode);
        Assert.True(SessionIds.IsWellFormed(id));
        var tolerance = TimeSpan.FromMilliseconds(100); // Redis stamps whole milliseconds
        Assert.InRange(created.GetProperty("idleExpiresAtUtc").GetDateTimeOffset(), before.AddSeconds(60) - tolerance, after.AddSeconds(60) + tolerance);
        Assert.InRange(created.GetProperty("absoluteExpiresAtUtc").GetDateTimeOffset(), before.AddHours(8) - tolerance, after.AddHours(8) + tolerance);
        Assert.Equal("no-store", post.Headers.CacheControl?.ToString());
        Assert.Equal(HttpStatusCode.OK, get.StatusCode);
        Assert.Equal(user, read.GetProperty("userId").GetString());
        Assert.Equal("{\"cart\":[1,2]}", read.GetProperty("data").GetRawText());
        Assert.True(read.TryGetProperty("createdAtUtc", out _));
    }

    [Fact]
    public async Task Get_UnknownWellFormedId_404ProblemJson()
    {
        using var response = await Silo0.GetAsync($"/sessions/{SessionIds.New()}");

        var problem = await ProblemAssert.IsAsync(response, HttpStatusCode.NotFound);
        Assert.Equal("The session does not exist, has expired or was ended.", problem.GetProperty("detail").GetString());
    }

    [Fact]
    public async Task Patch_100ConcurrentDistinctFieldsFromTwoSilosAndAnExternalClient_AllPresent()
    {
        await using var client = await ExternalClient.StartAsync(fixture.Redis.ConnectionString, fixture.ClusterId, fixture.ServiceId);
        var id = await CreateAsync(NewUser());

        var merges = Enumerable.Range(0, 100).Select(async i =>
        {
            var patch = $"{{\"f{i}\":\"v{i}\"}}";
            switch (i % 3)
            {
                case 0:
                    Assert.NotNull(await client.Grains.GetSession(id).MergeDataAsync(patch));
                    break;
                default:
                    using (var response = await (i % 3 == 1 ? Silo0 : Silo1).PatchAsync($"/sessions/{id}", Json($"{{\"data\":{patch}}}")))
                    {
                        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
                    }

                    break;
            }
        });
        await Task.WhenAll(merges);

        var data = (await Silo1.GetFromJsonAsync<JsonElement>($"/sessions/{id}")).GetProperty("data");
        Assert.Equal(100, data.EnumerateObject().Count());
        Assert.All(Enumerable.Range(0, 100), i => Assert.Equal($"v{i}", data.GetProperty($"f{i}").GetString()));
    }

    [Fact]
    public async Task Rotate_SessionActiveOnBothSilos_OldId404EverywhereAtOnceNewIdCarriesData()
    {
        await using var client = await ExternalClient.StartAsync(fixture.Redis.ConnectionString, fixture.ClusterId, fixture.ServiceId);
        var id = await CreateAsync(NewUser(), "{\"role\":\"admin\"}");
        Assert.Equal(HttpStatusCode.OK, (await Silo0.GetAsync($"/sessions/{id}")).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await Silo1.GetAsync($"/sessions/{id}")).StatusCode);

        using var rotate = await Silo0.PostAsync($"/sessions/{id}/rotate", null);
        var newId = (await rotate.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("sessionId").GetString()!;
        using var oldOn0 = await Silo0.GetAsync($"/sessions/{id}");
        using var oldOn1 = await Silo1.GetAsync($"/sessions/{id}");
        var oldByClient = await client.Grains.GetSession(id).GetAsync();
        var fresh = await Silo1.GetFromJsonAsync<JsonElement>($"/sessions/{newId}");

        Assert.Equal(HttpStatusCode.OK, rotate.StatusCode);
        Assert.NotEqual(id, newId);
        Assert.Equal((HttpStatusCode.NotFound, HttpStatusCode.NotFound), (oldOn0.StatusCode, oldOn1.StatusCode));
        Assert.Null(oldByClient);
        Assert.Equal("{\"role\":\"admin\"}", fresh.GetProperty("data").GetRawText());
        Assert.Equal(HttpStatusCode.NotFound, (await Silo1.PostAsync($"/sessions/{id}/rotate", null)).StatusCode);
    }

    [Fact]
    public async Task DeleteUserSessions_SessionsActiveOnBothSilos_All404EverywhereAtOnce()
    {
        var user = NewUser();
        var ids = new List<string>();
        for (var i = 0; i < 4; i++)
        {
            ids.Add(await CreateAsync(user, $"{{\"n\":{i}}}"));
        }

        foreach (var id in ids)
        {
            Assert.Equal(HttpStatusCode.OK, (await Silo0.GetAsync($"/sessions/{id}")).StatusCode);
            Assert.Equal(HttpStatusCode.OK, (await Silo1.GetAsync($"/sessions/{id}")).StatusCode);
        }

        using var revoke = await Silo1.DeleteAsync($"/users/{user}/sessions");
        var revoked = (await revoke.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("revoked").GetInt32();

        Assert.Equal((HttpStatusCode.OK, 4), (revoke.StatusCode, revoked));
        foreach (var id in ids)
        {
            Assert.Equal(HttpStatusCode.NotFound, (await Silo0.GetAsync($"/sessions/{id}")).StatusCode);
            Assert.Equal(HttpStatusCode.NotFound, (await Silo1.GetAsync($"/sessions/{id}")).StatusCode);
        }

        var listed = await Silo0.GetFromJsonAsync<JsonElement>($"/users/{user}/sessions");
        Assert.Equal(0, listed.GetProperty("sessions").GetArrayLength());
    }

    [Fact]
    public async Task GetUserSessions_TwoSessions_ListsHandlesAndTimesNeverIds()
    {
        var user = NewUser();
        var ids = new[] { await CreateAsync(user), await CreateAsync(user) };

        var body = await Silo1.GetStringAsync($"/users/{user}/sessions");
        using var json = JsonDocument.Parse(body);

        var sessions = json.RootElement.GetProperty("sessions").EnumerateArray().ToList();
        Assert.Equal(2, sessions.Count);
        Assert.Equal(
            ids.Select(id => SessionIds.Handle(SessionIds.Hash(id))).Order(),
            sessions.Select(s => s.GetProperty("handle").GetString()!).Order());
        Assert.All(ids, id => Assert.DoesNotContain(id, body));
        Assert.All(ids, id => Assert.DoesNotContain(SessionIds.Hash(id), body));
        Assert.All(sessions, s => Assert.True(s.TryGetProperty("idleExpiresAtUtc", out _) && s.TryGetProperty("createdAtUtc", out _)));
    }

    [Fact]
    public async Task Delete_Session_204Then404()
    {
        var id = await CreateAsync(NewUser());

        using var delete = await Silo0.DeleteAsync($"/sessions/{id}");
        using var get = await Silo1.GetAsync($"/sessions/{id}");
        using var again = await Silo1.DeleteAsync($"/sessions/{id}");

        Assert.Equal((HttpStatusCode.NoContent, HttpStatusCode.NotFound, HttpStatusCode.NoContent), (delete.StatusCode, get.StatusCode, again.StatusCode));
    }

    public static TheoryData<string, int> BadRequests => new(BadRequestCases.Keys.Select(name => (name, BadRequestCases[name].Status)));

    // Each case: method, path ({id} is a live session holding 40,000 bytes of data), body, expected status, and the
    // field the problem's errors name (null: the framework refused the body before validation, or 413).
    private static readonly Dictionary<string, (string Method, string Path, string Body, int Status, string? Field)> BadRequestCases = new()
    {
        ["create: data is an array"] = ("POST", "/sessions", "{\"userId\":\"u\",\"data\":[1,2]}", 400, "data"),
        ["create: data is a string"] = ("POST", "/sessions", "{\"userId\":\"u\",\"data\":\"text\"}", 400, "data"),
        ["create: malformed JSON"] = ("POST", "/sessions", "{\"userId\":\"u\",\"data\":{\"a\":1", 400, null),
        ["create: duplicate data fields"] = ("POST", "/sessions", "{\"userId\":\"u\",\"data\":{\"a\":1,\"a\":2}}", 400, "data"),
        ["create: no user id"] = ("POST", "/sessions", "{\"data\":{}}", 400, "userId"),
        ["create: negative idle timeout"] = ("POST", "/sessions", "{\"userId\":\"u\",\"idleTimeoutSeconds\":-5}", 400, "idleTimeoutSeconds"),
        ["create: zero idle timeout"] = ("POST", "/sessions", "{\"userId\":\"u\",\"idleTimeoutSeconds\":0}", 400, "idleTimeoutSeconds"),
        ["create: idle timeout over the maximum"] = ("POST", "/sessions", "{\"userId\":\"u\",\"idleTimeoutSeconds\":86401}", 400, "idleTimeoutSeconds"),
        ["create: absolute timeout over the maximum"] = ("POST", "/sessions", "{\"userId\":\"u\",\"absoluteTimeoutSeconds\":604801}", 400, "absoluteTimeoutSeconds"),
        ["create: fractional timeout"] = ("POST", "/sessions", "{\"userId\":\"u\",\"idleTimeoutSeconds\":1.5}", 400, null),
        ["create: data over 64 KiB"] = ("POST", "/sessions", $"{{\"userId\":\"u\",\"data\":{{\"a\":\"{new string('x', 70_000)}\"}}}}", 400, "data"),
        ["create: body far over the limit"] = ("POST", "/sessions", $"{{\"userId\":\"u\",\"data\":{{\"a\":\"{new string('x', 1_000_000)}\"}}}}", 413, null),
        ["replace: data is an array"] = ("PUT", "/sessions/{id}", "{\"data\":[1]}", 400, "data"),
        ["replace: data is null"] = ("PUT", "/sessions/{id}", "{\"data\":null}", 400, "data"),
        ["replace: body is not JSON"] = ("PUT", "/sessions/{id}", "not json", 400, null),
        ["replace: data over 64 KiB"] = ("PUT", "/sessions/{id}", $"{{\"data\":{{\"a\":\"{new string('x', 70_000)}\"}}}}", 400, "data"),
        ["merge: data is a number"] = ("PATCH", "/sessions/{id}", "{\"data\":42}", 400, "data"),
        ["merge: result over 64 KiB"] = ("PATCH", "/sessions/{id}", $"{{\"data\":{{\"b\":\"{new string('y', 40_000)}\"}}}}", 400, "data"),
        ["get: malformed id"] = ("GET", "/sessions/not-a-session-id", "", 400, "sessionId"),
        ["replace: base64 (not base64url) id"] = ("PUT", "/sessions/AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA+", "{\"data\":{}}", 400, "sessionId"),
        ["rotate: malformed id"] = ("POST", "/sessions/too-short/rotate", "", 400, "sessionId"),
        ["destroy: malformed id"] = ("DELETE", "/sessions/too-short", "", 400, "sessionId"),
        ["get: 7 KB id"] = ("GET", $"/sessions/{ProblemAssert.LongKey}", "", 400, "sessionId"),
        ["list: 7 KB user id"] = ("GET", $"/users/{ProblemAssert.LongKey}/sessions", "", 400, "userId"),
        ["revoke all: 7 KB user id"] = ("DELETE", $"/users/{ProblemAssert.LongKey}/sessions", "", 400, "userId"),
    };

    [Theory]
    [MemberData(nameof(BadRequests))]
    public async Task BadInput_4xxProblemJson_RedisUnchanged(string name, int status)
    {
        var (method, path, body, _, field) = BadRequestCases[name];
        var id = await CreateAsync(NewUser(), $"{{\"a\":\"{new string('x', 40_000)}\"}}");
        await using var redis = await fixture.Redis.ConnectAsync();
        var before = await SessionRedis.DumpAsync(redis);

        using var request = new HttpRequestMessage(new HttpMethod(method), path.Replace("{id}", id, StringComparison.Ordinal));
        if (body.Length > 0)
        {
            request.Content = Json(body);
        }

        using var response = await Silo0.SendAsync(request);

        if (field is null)
        {
            await ProblemAssert.IsAsync(response, (HttpStatusCode)status);
        }
        else
        {
            await ProblemAssert.IsInvalidAsync(response, field);
        }

        Assert.Equal(before, await SessionRedis.DumpAsync(redis));
    }

    [Fact]
    public async Task Metrics_AfterSessionLifecycle_ExportSessionCounters()
    {
        var id = await CreateAsync(NewUser());
        using var rotate = await Silo0.PostAsync($"/sessions/{id}/rotate", null);

        // Each silo counts what its own grains did; the session's grain may live on either.
        var text = await Eventually.SucceedsAsync(async () =>
        {
            var body = await Silo0.GetStringAsync("/metrics") + await Silo1.GetStringAsync("/metrics");
            return body.Contains("orleansredis_sessions_created") && body.Contains("orleansredis_sessions_rotated")
                ? body
                : throw new InvalidOperationException("session counters not exported yet");
        }, TimeSpan.FromSeconds(30), "/metrics exports the session counters");

        Assert.DoesNotContain(id, text);
    }

    private static string NewUser() => $"user-{Guid.NewGuid():N}";

    private static StringContent Json(string body) => new(body, Encoding.UTF8, "application/json");

    private async Task<string> CreateAsync(string user, string data = "{}")
    {
        using var response = await Silo0.PostAsync("/sessions", Json($"{{\"userId\":\"{user}\",\"data\":{data}}}"));
        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        return (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("sessionId").GetString()!;
    }
}
