using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using OrleansRedis.Testing;
using OrleansRedis.Tests.Foundation;

namespace OrleansRedis.Tests.RateLimiting;

/// <summary>The HTTP contract of <c>/ratelimit/{policy}/{key}</c>, against real silo processes.</summary>
public sealed class RateLimitHttpTests(RateLimitSiloProcessFixture fixture) : IClassFixture<RateLimitSiloProcessFixture>
{
    [Fact]
    public async Task Post_UntilLimitThroughBothSilos_200sThen429WithRetryAfterAndRateLimitHeaders()
    {
        var key = NewKey();
        var responses = new List<(HttpStatusCode Status, string? Limit, string? Remaining, string? Reset, string? RetryAfter, JsonElement Body)>();
        for (var i = 0; i < 4; i++)
        {
            using var response = await fixture.Silos[i % 2].Http.PostAsync($"/ratelimit/t1/{key}", null);
            responses.Add((response.StatusCode, Header(response, "RateLimit-Limit"), Header(response, "RateLimit-Remaining"),
                Header(response, "RateLimit-Reset"), Header(response, "Retry-After"), await response.Content.ReadFromJsonAsync<JsonElement>()));
        }

        Assert.Equal([HttpStatusCode.OK, HttpStatusCode.OK, HttpStatusCode.OK, HttpStatusCode.TooManyRequests], responses.Select(r => r.Status));
        Assert.All(responses, r => Assert.Equal("3", r.Limit));
        Assert.Equal(["2", "1", "0", "0"], responses.Select(r => r.Remaining));
        Assert.All(responses, r => Assert.InRange(int.Parse(r.Reset!), 1, 60));
        Assert.All(responses.Take(3), r => Assert.Null(r.RetryAfter));
        Assert.InRange(int.Parse(responses[3].RetryAfter!), 1, 60);
        var denied = responses[3].Body;
        Assert.False(denied.GetProperty("allowed").GetBoolean());
        Assert.Equal((3, 0), (denied.GetProperty("limit").GetInt64(), denied.GetProperty("remaining").GetInt64()));
        Assert.InRange(denied.GetProperty("retryAfterMs").GetInt64(), 1, 60_000);
        Assert.InRange(denied.GetProperty("resetAfterMs").GetInt64(), 1, 60_000);
        Assert.False(denied.GetProperty("degraded").GetBoolean());
    }

    [Fact]
    public async Task Post_ConcurrentThroughBothSilos_AdmitsExactlyLimit()
    {
        var key = NewKey();
        var start = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var posts = Enumerable.Range(0, 30).Select(i => Task.Run(async () =>
        {
            await start.Task;
            using var response = await fixture.Silos[i % 2].Http.PostAsync($"/ratelimit/t2/{key}", null);
            return response.StatusCode;
        })).ToList();
        start.SetResult();
        var statuses = await Task.WhenAll(posts);

        Assert.Equal(5, statuses.Count(s => s == HttpStatusCode.OK));
        Assert.Equal(25, statuses.Count(s => s == HttpStatusCode.TooManyRequests));
    }

    [Fact]
    public async Task Get_AfterChecks_ReportsStateAndConsumesNothing()
    {
        var key = NewKey();
        var http = fixture.Silos[0].Http;
        using var spend = await http.PostAsync($"/ratelimit/t1/{key}?cost=2", null);

        var peeks = new List<JsonElement>();
        for (var i = 0; i < 3; i++)
        {
            using var response = await fixture.Silos[1].Http.GetAsync($"/ratelimit/t1/{key}");
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            Assert.Equal("1", Header(response, "RateLimit-Remaining"));
            peeks.Add(await response.Content.ReadFromJsonAsync<JsonElement>());
        }

        using var last = await http.PostAsync($"/ratelimit/t1/{key}", null);

        Assert.Equal(HttpStatusCode.OK, spend.StatusCode);
        Assert.All(peeks, p => Assert.Equal((true, 1L), (p.GetProperty("allowed").GetBoolean(), p.GetProperty("remaining").GetInt64())));
        Assert.Equal((HttpStatusCode.OK, "0"), (last.StatusCode, Header(last, "RateLimit-Remaining")));
    }

    [Fact]
    public async Task Delete_WithAdminKey_Returns204AndTheFullLimitIsBack()
    {
        var key = NewKey();
        var http = fixture.Silos[0].Http;
        using var exhaust = await http.PostAsync($"/ratelimit/t1/{key}?cost=3", null);
        using var denied = await http.PostAsync($"/ratelimit/t1/{key}", null);

        using var reset = await Send(HttpMethod.Delete, $"/ratelimit/t1/{key}", fixture.AdminKey);
        using var after = await fixture.Silos[1].Http.PostAsync($"/ratelimit/t1/{key}", null);

        Assert.Equal(HttpStatusCode.TooManyRequests, denied.StatusCode);
        Assert.Equal(HttpStatusCode.NoContent, reset.StatusCode);
        Assert.Equal((HttpStatusCode.OK, "2"), (after.StatusCode, Header(after, "RateLimit-Remaining")));
        Assert.Equal(1, await fixture.Inspector.GetDatabase().SortedSetLengthAsync($"or:ratelimit:{{t1/{key}}}:log"));
    }

    [Theory]
    [InlineData(null)]
    [InlineData("wrong-admin-key-0123456789")]
    public async Task Delete_WithoutTheAdminKey_Returns401ProblemAndKeepsTheWindow(string? adminKey)
    {
        var key = NewKey();
        using var spend = await fixture.Silos[0].Http.PostAsync($"/ratelimit/t1/{key}?cost=2", null);
        var before = await fixture.SnapshotAsync();

        using var response = await Send(HttpMethod.Delete, $"/ratelimit/t1/{key}", adminKey);

        await ProblemAssert.IsAsync(response, HttpStatusCode.Unauthorized);
        Assert.Equal(before, await fixture.SnapshotAsync());
    }

    [Theory]
    [InlineData("POST", "/ratelimit/nope/{key}", HttpStatusCode.NotFound, null)]
    [InlineData("GET", "/ratelimit/nope/{key}", HttpStatusCode.NotFound, null)]
    [InlineData("DELETE", "/ratelimit/nope/{key}", HttpStatusCode.NotFound, null)]
    [InlineData("POST", "/ratelimit/t1/{key}?cost=0", HttpStatusCode.BadRequest, "cost")]
    [InlineData("POST", "/ratelimit/t1/{key}?cost=-1", HttpStatusCode.BadRequest, "cost")]
    [InlineData("POST", "/ratelimit/t1/{key}?cost=4", HttpStatusCode.BadRequest, "cost")]
    [InlineData("POST", "/ratelimit/t1/{key}?cost=abc", HttpStatusCode.BadRequest, "cost")]
    [InlineData("POST", "/ratelimit/t1/{key}?cost=1.5", HttpStatusCode.BadRequest, "cost")]
    [InlineData("POST", "/ratelimit/t1/{key}?cost=", HttpStatusCode.BadRequest, "cost")]
    [InlineData("POST", "/ratelimit/t1/{key}?cost=99999999999", HttpStatusCode.BadRequest, "cost")]
    [InlineData("POST", "/ratelimit/t1/{long}", HttpStatusCode.BadRequest, "key")]
    [InlineData("GET", "/ratelimit/t1/{long}", HttpStatusCode.BadRequest, "key")]
    [InlineData("POST", "/ratelimit/t1/{huge}", HttpStatusCode.BadRequest, "key")]
    [InlineData("DELETE", "/ratelimit/t1/{huge}", HttpStatusCode.BadRequest, "key")]
    [InlineData("POST", "/ratelimit/t1/{key}?cost={huge}", HttpStatusCode.BadRequest, "cost")]
    [InlineData("POST", "/ratelimit/{huge}/{key}", HttpStatusCode.NotFound, null)]
    [InlineData("POST", "/ratelimit/t1/%20%20", HttpStatusCode.BadRequest, "key")]
    [InlineData("POST", "/ratelimit/t1/bad%01key", HttpStatusCode.BadRequest, "key")]
    [InlineData("POST", "/ratelimit/t1/", HttpStatusCode.NotFound, null)]
    [InlineData("POST", "/ratelimit/t1", HttpStatusCode.NotFound, null)]
    public async Task Request_BadInput_Returns4xxProblemJsonAndChangesNothingInRedis(string method, string path, HttpStatusCode expected, string? field)
    {
        var key = NewKey();
        using var seed = await fixture.Silos[0].Http.PostAsync($"/ratelimit/t1/{key}", null);
        var before = await fixture.SnapshotAsync();

        var target = path.Replace("{key}", key, StringComparison.Ordinal)
            .Replace("{long}", new string('k', 257), StringComparison.Ordinal)
            .Replace("{huge}", ProblemAssert.LongKey, StringComparison.Ordinal);
        using var response = await Send(new HttpMethod(method), target, fixture.AdminKey);

        Assert.Equal(HttpStatusCode.OK, seed.StatusCode);
        if (field is null)
        {
            await ProblemAssert.IsAsync(response, expected);
        }
        else
        {
            await ProblemAssert.IsInvalidAsync(response, field);
        }

        Assert.Equal(before, await fixture.SnapshotAsync());
    }

    [Fact]
    public async Task Post_RedisDown_ClosedPolicyAnswers503ProblemAndOpenPolicyAdmitsDegraded()
    {
        var key = NewKey();
        var http = fixture.Silos[0].Http;
        HttpStatusCode openStatus;
        JsonElement openBody, closedBody;
        await fixture.Redis.ShutdownAsync();
        try
        {
            using var closed = await http.PostAsync($"/ratelimit/closed/{key}", null);
            using var open = await http.PostAsync($"/ratelimit/open/{key}", null);
            closedBody = await ProblemAssert.IsAsync(closed, HttpStatusCode.ServiceUnavailable);
            (openStatus, openBody) = (open.StatusCode, await open.Content.ReadFromJsonAsync<JsonElement>());
        }
        finally
        {
            await fixture.RestartRedisAsync();
        }

        Assert.Equal("redis", closedBody.GetProperty("backend").GetString());
        Assert.Equal(HttpStatusCode.OK, openStatus);
        Assert.True(openBody.GetProperty("allowed").GetBoolean());
        Assert.True(openBody.GetProperty("degraded").GetBoolean());
        await Eventually.TrueAsync(async () =>
        {
            using var response = await http.PostAsync($"/ratelimit/closed/{key}", null);
            return response.StatusCode == HttpStatusCode.OK;
        }, TimeSpan.FromSeconds(30), "the closed policy admits through Redis again");
    }

    [Fact]
    public async Task Metrics_AfterDecisions_ExportDecisionsByPolicyAndResultAndScriptLatency()
    {
        var key = NewKey();
        for (var i = 0; i < 4; i++)
        {
            using var response = await fixture.Silos[0].Http.PostAsync($"/ratelimit/t1/{key}", null);
        }

        // The grain (and so its meter) may live on either silo.
        await Eventually.TrueAsync(async () =>
        {
            var text = string.Concat(await Task.WhenAll(fixture.Silos.Select(s => s.Http.GetStringAsync("/metrics"))));
            var lines = text.Split('\n');
            return lines.Any(l => l.StartsWith("orleansredis_ratelimit_decisions_total{", StringComparison.Ordinal) && l.Contains("policy=\"t1\"") && l.Contains("result=\"denied\""))
                && lines.Any(l => l.StartsWith("orleansredis_ratelimit_decisions_total{", StringComparison.Ordinal) && l.Contains("policy=\"t1\"") && l.Contains("result=\"allowed\""))
                && lines.Any(l => l.StartsWith("orleansredis_ratelimit_script_duration_seconds_bucket{", StringComparison.Ordinal));
        }, TimeSpan.FromSeconds(30), "/metrics exports rate-limit decisions by policy and result, and the script latency");
    }

    [Fact]
    public async Task OpenApi_DocumentsTheRateLimitEndpoints()
    {
        var document = await fixture.Silos[0].Http.GetFromJsonAsync<JsonElement>("/openapi/v1.json");

        var path = document.GetProperty("paths").GetProperty("/ratelimit/{policy}/{key}");
        Assert.True(path.TryGetProperty("post", out _) && path.TryGetProperty("get", out _) && path.TryGetProperty("delete", out _));
    }

    private static string NewKey() => $"client-{Guid.NewGuid():N}";

    private static string? Header(HttpResponseMessage response, string name) =>
        response.Headers.TryGetValues(name, out var values) ? string.Join(",", values) : null;

    private Task<HttpResponseMessage> Send(HttpMethod method, string path, string? adminKey)
    {
        var request = new HttpRequestMessage(method, path);
        if (adminKey is not null)
        {
            request.Headers.Add("X-Admin-Key", adminKey);
        }

        return fixture.Silos[0].Http.SendAsync(request);
    }
}
