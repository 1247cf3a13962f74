using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using OrleansRedis.Testing;
using OrleansRedis.Tests.Foundation;

namespace OrleansRedis.Tests.WebApps;

/// <summary>
/// The HTTP API mapped into an ASP.NET Core app of its own (<see cref="EmbeddedApp"/>): behind the app's authorization,
/// with only the capabilities the app added, admin endpoints behind the admin policy, health from the app's builder.
/// </summary>
[Collection(EmbeddedAppCollection.Name)]
public sealed class EmbeddedAppTests(EmbeddedAppFixture fixture)
{
    private const string ReadmeBegin = "// README: Use it in your own ASP.NET Core app (begin)";
    private const string ReadmeEnd = "// README: Use it in your own ASP.NET Core app (end)";

    [Fact]
    public async Task Api_WithoutTheAppsAuthentication_401AndNothingDone()
    {
        var name = $"embedded-{Guid.NewGuid():N}";

        using var response = await fixture.First.PostAsJsonAsync($"/api/locks/{name}", new { owner = "anonymous", leaseMs = 60000, waitMs = 0 });
        using var read = await Send(fixture.First, HttpMethod.Get, $"/api/locks/{name}", caller: "alice");

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        Assert.False((await read.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("held").GetBoolean());
    }

    [Fact]
    public async Task Api_WithTheAppsAuthentication_ServesLocksAcrossBothInstances()
    {
        var name = $"embedded-{Guid.NewGuid():N}";

        using var acquired = await Send(fixture.First, HttpMethod.Post, $"/api/locks/{name}", "alice", new { owner = "alice", leaseMs = 60000, waitMs = 0 });
        using var contended = await Send(fixture.Second, HttpMethod.Post, $"/api/locks/{name}", "bob", new { owner = "bob", leaseMs = 60000, waitMs = 0 });

        Assert.Equal(HttpStatusCode.OK, acquired.StatusCode);
        Assert.True((await acquired.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("fencingToken").GetInt64() > 0);
        await ProblemAssert.IsAsync(contended, HttpStatusCode.Conflict);
    }

    [Theory]
    [InlineData(null, HttpStatusCode.Unauthorized)]
    [InlineData("not-the-admin-key-at-all", HttpStatusCode.Unauthorized)]
    [InlineData(EmbeddedApp.AdminKey, HttpStatusCode.NoContent)]
    public async Task AdminEndpoint_BehindTheAdminPolicy_NeedsTheAdminKey(string? adminKey, HttpStatusCode expected)
    {
        using var request = Request(HttpMethod.Delete, $"/api/ratelimit/api/admin-{Guid.NewGuid():N}", "alice");
        if (adminKey is not null)
        {
            request.Headers.Add("X-Admin-Key", adminKey);
        }

        using var response = await fixture.First.SendAsync(request);

        if (expected == HttpStatusCode.NoContent)
        {
            Assert.Equal(expected, response.StatusCode);
        }
        else
        {
            var problem = await ProblemAssert.IsAsync(response, expected);
            Assert.Contains("X-Admin-Key", problem.GetProperty("detail").GetString());
        }
    }

    [Fact]
    public async Task Endpoints_OfCapabilitiesTheAppDidNotAdd_AreNotMapped()
    {
        // Sessions and queues were not added: their routes do not exist (a 404 of routing), where the locks' do.
        using var sessions = await Send(fixture.First, HttpMethod.Get, "/api/sessions/0123456789012345678901234567890123456789abc", "alice");
        using var queues = await Send(fixture.First, HttpMethod.Get, "/api/queues/emails", "alice");
        using var locks = await Send(fixture.First, HttpMethod.Get, $"/api/locks/mapped-{Guid.NewGuid():N}", "alice");

        Assert.Equal(HttpStatusCode.NotFound, sessions.StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, queues.StatusCode);
        Assert.Equal(HttpStatusCode.OK, locks.StatusCode);
    }

    [Fact]
    public async Task Health_FromTheAppsBuilder_ReadyWithRedisAndSiloChecks()
    {
        var body = await Eventually.SucceedsAsync(
            async () =>
            {
                using var response = await fixture.Second.GetAsync("/health/ready");
                response.EnsureSuccessStatusCode();
                return await response.Content.ReadFromJsonAsync<JsonElement>();
            },
            TimeSpan.FromSeconds(30),
            "the second instance ready");

        Assert.Equal("Healthy", body.GetProperty("status").GetString());
        Assert.Equal("Healthy", body.GetProperty("checks").GetProperty("redis").GetProperty("status").GetString());
        Assert.Equal("Healthy", body.GetProperty("checks").GetProperty("silo").GetProperty("status").GetString());
    }

    [Fact]
    public void Readme_UseItInYourOwnApp_IsTheCodeTheseTestsRun()
    {
        var readme = File.ReadAllText(Path.Combine(RepositoryPaths.Root, "README.md"));
        var section = readme.IndexOf("### Use it in your own ASP.NET Core app", StringComparison.Ordinal);
        Assert.True(section >= 0, "the README lacks the section 'Use it in your own ASP.NET Core app'");
        var start = readme.IndexOf("```csharp\n", section, StringComparison.Ordinal) + "```csharp\n".Length;
        var block = readme[start..readme.IndexOf("```", start, StringComparison.Ordinal)];

        var source = File.ReadAllText(Path.Combine(RepositoryPaths.Root, "tests", "OrleansRedis.Tests", "WebApps", "EmbeddedApp.cs"));
        var begin = source.IndexOf(ReadmeBegin, StringComparison.Ordinal) + ReadmeBegin.Length;
        var region = source[begin..source.IndexOf(ReadmeEnd, begin, StringComparison.Ordinal)];

        Assert.Equal(Lines(region), Lines(block).Where(line => !line.StartsWith("var builder", StringComparison.Ordinal) && !line.StartsWith("app.Run", StringComparison.Ordinal)));
    }

    internal static HttpRequestMessage Request(HttpMethod method, string path, string? caller, object? body = null)
    {
        var request = new HttpRequestMessage(method, path);
        if (caller is not null)
        {
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", caller);
        }

        if (body is not null)
        {
            request.Content = JsonContent.Create(body);
        }

        return request;
    }

    internal static async Task<HttpResponseMessage> Send(HttpClient client, HttpMethod method, string path, string? caller, object? body = null)
    {
        using var request = Request(method, path, caller, body);
        return await client.SendAsync(request);
    }

    // The code's lines without indentation and blank lines: the README is indented as a file, the fixture as a method.
    private static string[] Lines(string code) =>
        [.. code.Split('\n').Select(line => line.Trim()).Where(line => line.Length > 0)];
}
