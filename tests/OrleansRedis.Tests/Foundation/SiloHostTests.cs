using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using OrleansRedis.Testing;
using OrleansRedis.Tests.Infrastructure;

namespace OrleansRedis.Tests.Foundation;

/// <summary>The built host, run as real processes: readiness, operations surface, errors, external clients.</summary>
[Collection(SiloProcessCollection.Name)]
public sealed class SiloHostTests(SiloProcessFixture fixture)
{
    [Fact]
    public async Task HealthReady_BothSilos_Report200WithRedisAndTwoActiveSilos()
    {
        foreach (var silo in fixture.Silos)
        {
            await Eventually.TrueAsync(async () =>
            {
                using var json = JsonDocument.Parse(await silo.Http.GetStringAsync("/health/ready"));
                return json.RootElement.GetProperty("checks").GetProperty("silo").GetProperty("data").GetProperty("activeSilos").GetInt32() == 2;
            }, TimeSpan.FromSeconds(30), "each silo sees two active silos");

            using var response = await silo.Http.GetAsync("/health/ready");
            using var body = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            Assert.Equal("Healthy", body.RootElement.GetProperty("checks").GetProperty("redis").GetProperty("status").GetString());
        }
    }

    [Fact]
    public async Task HealthLive_Answers200()
    {
        using var response = await fixture.Silos[0].Http.GetAsync("/health/live");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
    }

    [Fact]
    public async Task Probe_WrittenThroughOneSilo_ReadsBackThroughTheOther()
    {
        var key = $"http-{Guid.NewGuid():N}";

        using var put = await fixture.Silos[0].Http.PutAsJsonAsync($"/probe/{key}", new { value = "across silos" });
        var read = await fixture.Silos[1].Http.GetFromJsonAsync<JsonElement>($"/probe/{key}");

        Assert.Equal(HttpStatusCode.OK, put.StatusCode);
        Assert.Equal("across silos", read.GetProperty("value").GetString());
        Assert.Equal(1, read.GetProperty("version").GetInt64());
    }

    [Theory]
    [InlineData("{\"value\": 12}")]
    [InlineData("{\"value\": null}")]
    [InlineData("not json")]
    [InlineData("[]")]
    public async Task Probe_BadBody_Returns400ProblemJsonAndKeepsState(string body)
    {
        var key = $"bad-{Guid.NewGuid():N}";
        var silo = fixture.Silos[0];
        using var first = await silo.Http.PutAsJsonAsync($"/probe/{key}", new { value = "kept" });

        using var response = await silo.Http.PutAsync($"/probe/{key}", new StringContent(body, System.Text.Encoding.UTF8, "application/json"));
        var read = await silo.Http.GetFromJsonAsync<JsonElement>($"/probe/{key}");

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        Assert.Equal(("kept", 1L), (read.GetProperty("value").GetString(), read.GetProperty("version").GetInt64()));
    }

    [Fact]
    public async Task UnknownRoute_Returns404ProblemJson()
    {
        using var response = await fixture.Silos[0].Http.GetAsync("/no/such/route");

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
    }

    [Fact]
    public async Task OperationsPages_DashboardOpenApiAndDocs_AreServed()
    {
        var http = fixture.Silos[0].Http;

        using var dashboard = await http.GetAsync("/dashboard/");
        var openApi = await http.GetFromJsonAsync<JsonElement>("/openapi/v1.json");
        using var docs = await http.GetAsync("/docs");
        using var stats = await http.GetAsync("/dashboard/ClusterStats");

        Assert.Equal(HttpStatusCode.OK, dashboard.StatusCode);
        Assert.Contains("<html", await dashboard.Content.ReadAsStringAsync(), StringComparison.OrdinalIgnoreCase);
        Assert.True(openApi.GetProperty("paths").TryGetProperty("/probe/{key}", out _), "the OpenAPI document lacks /probe/{key}");
        Assert.Equal(HttpStatusCode.OK, docs.StatusCode);
        Assert.Equal(HttpStatusCode.OK, stats.StatusCode);
    }

    [Fact]
    public async Task SampleClient_ExternalProcess_JoinsThroughRedisAndCallsGrain()
    {
        var key = $"sample-{Guid.NewGuid():N}";
        var environment = new Dictionary<string, string>
        {
            ["OrleansRedis__Redis__State"] = fixture.Redis.ConnectionString,
            ["OrleansRedis__Cluster__ClusterId"] = fixture.ClusterId,
            ["OrleansRedis__Cluster__ServiceId"] = fixture.ServiceId,
        };

        var (exitCode, output) = await SiloProcess.RunToExitAsync(
            RepositoryPaths.SampleClientDll, environment, [key, "from the sample client"], TimeSpan.FromSeconds(90));
        var read = await fixture.Silos[1].Http.GetFromJsonAsync<JsonElement>($"/probe/{key}");

        Assert.True(exitCode == 0, $"the sample client exited with {exitCode}: {output}");
        Assert.Contains($"key={key} value=from the sample client version=1", output);
        Assert.Equal("from the sample client", read.GetProperty("value").GetString());
    }

    [Fact]
    public async Task Metrics_PrometheusText_IncludesOrleansAndAspNetCoreMeters()
    {
        var http = fixture.Silos[0].Http;
        using var warmUp = await http.GetAsync("/health/live");

        var text = await Eventually.SucceedsAsync(async () =>
        {
            var body = await http.GetStringAsync("/metrics");
            return body.Contains("http_server_request_duration") && body.Contains("orleans_") ? body : throw new InvalidOperationException("meters not exported yet");
        }, TimeSpan.FromSeconds(30), "/metrics exports Orleans and ASP.NET Core metrics");

        Assert.Contains("# TYPE", text);
    }

    [Theory]
    [InlineData("/probe/{0}")]
    [InlineData("/ratelimit/demo/{0}")]
    [InlineData("/locks/{0}")]
    [InlineData("/users/{0}")]
    [InlineData("/sessions/{0}")]
    public async Task LongKeyInPath_10KB_Returns400ProblemJsonNamingTheLimit(string route)
    {
        var path = string.Format(System.Globalization.CultureInfo.InvariantCulture, route, new string('k', 10 * 1024));

        using var response = await fixture.Silos[0].Http.GetAsync(path);
        var body = await response.Content.ReadAsStringAsync();

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        Assert.Contains("characters", body, StringComparison.Ordinal);
    }

    [Fact]
    public async Task LongQuery_20KB_Returns400ProblemJsonNamingTheParameter()
    {
        var token = new string('t', 20 * 1024);

        using var response = await fixture.Silos[0].Http.DeleteAsync($"/locks/query-{Guid.NewGuid():N}?token={token}");
        using var body = JsonDocument.Parse(await response.Content.ReadAsStringAsync());

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        Assert.True(body.RootElement.GetProperty("errors").TryGetProperty("token", out _), "the problem does not name the token");
    }

    [Theory]
    [InlineData("POST", "/health/live")]
    [InlineData("DELETE", "/health/live")]
    [InlineData("PUT", "/health/ready")]
    [InlineData("POST", "/health/ready")]
    public async Task Health_MethodOtherThanGetOrHead_Returns405(string method, string path)
    {
        using var response = await fixture.Silos[0].Http.SendAsync(new HttpRequestMessage(new HttpMethod(method), path));

        Assert.Equal(HttpStatusCode.MethodNotAllowed, response.StatusCode);
        Assert.Equal(["GET", "HEAD"], response.Content.Headers.Allow.Order());
    }

    [Theory]
    [InlineData("/health/live")]
    [InlineData("/health/ready")]
    public async Task Health_Head_Returns200(string path)
    {
        using var response = await fixture.Silos[0].Http.SendAsync(new HttpRequestMessage(HttpMethod.Head, path));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
    }

    [Fact]
    public async Task OpenApi_Document_HasTitleDescriptionCapabilitiesFirstAndProbeLast()
    {
        var document = await fixture.Silos[0].Http.GetFromJsonAsync<JsonElement>("/openapi/v1.json");
        var tags = document.GetProperty("tags").EnumerateArray().Select(t => t.GetProperty("name").GetString()).ToList();
        var paths = document.GetProperty("paths").EnumerateObject().Select(p => p.Name).ToList();

        Assert.Equal("OrleansRedis API", document.GetProperty("info").GetProperty("title").GetString());
        Assert.StartsWith("Production Redis patterns over HTTP", document.GetProperty("info").GetProperty("description").GetString());
        Assert.Equal(["Rate limiting", "Locks", "Sessions", "Users"], tags.Take(4));
        Assert.Equal("Probe", tags[^1]);
        Assert.StartsWith("/ratelimit/", paths[0]);
        Assert.StartsWith("/probe/", paths[^1]);
    }
}
