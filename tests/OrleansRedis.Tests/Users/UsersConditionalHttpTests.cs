using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using OrleansRedis.Tests.Foundation;

namespace OrleansRedis.Tests.Users;

/// <summary>Conditional requests on <c>/users</c> (RFC 9110 §13): ETags, If-None-Match and If-Match, against a real silo process on SQLite.</summary>
[Collection(UsersSiloProcessCollection.Name)]
public sealed class UsersConditionalHttpTests(UsersSiloProcessFixture fixture)
{
    private HttpClient Http => fixture.Silo.Http;

    [Fact]
    public async Task PostThenPut_EachAnswerCarriesTheStrongETagOfItsVersion()
    {
        var id = UserReads.NewId("etag");

        using var created = await Http.PostAsJsonAsync("/users", new { id, name = "A", email = "a@example.com" });
        using var updated = await Http.PutAsJsonAsync($"/users/{id}", new { name = "B", email = "b@example.com", version = 1 });
        using var read = await Http.GetAsync($"/users/{id}");

        Assert.Equal((HttpStatusCode.Created, HttpStatusCode.OK, HttpStatusCode.OK), (created.StatusCode, updated.StatusCode, read.StatusCode));
        Assert.Equal(("\"1\"", "\"2\"", "\"2\""), (created.Headers.ETag?.Tag, updated.Headers.ETag?.Tag, read.Headers.ETag?.Tag));
        Assert.False(created.Headers.ETag!.IsWeak);
    }

    [Theory]
    [InlineData("\"1\"")]
    [InlineData("W/\"1\"")]
    [InlineData("*")]
    [InlineData("\"7\", W/\"1\"")]
    public async Task Get_IfNoneMatchListsTheVersion_Returns304WithETagAndNoBody_FromMemoryWithoutTheDatabase(string ifNoneMatch)
    {
        var id = UserReads.NewId("etag-304");
        await fixture.Database.CreateAsync(id, "Grace", "grace@example.com", DateTimeOffset.UtcNow, CancellationToken.None);
        using var cold = await Http.GetAsync($"/users/{id}");

        using var response = await SendAsync(HttpMethod.Get, $"/users/{id}", null, ("If-None-Match", ifNoneMatch));
        var body = await response.Content.ReadAsByteArrayAsync();

        Assert.Equal(["database"], cold.Headers.GetValues("X-Cache"));
        Assert.Equal(HttpStatusCode.NotModified, response.StatusCode);
        Assert.Equal("\"1\"", response.Headers.ETag?.Tag);
        Assert.Empty(body);
        // The grain answered from its activation memory, the source its read metric records: a miss would say redis or
        // database, and database would be a second load.
        Assert.Equal(["memory"], response.Headers.GetValues("X-Cache"));
    }

    [Theory]
    [InlineData("\"2\"")]
    [InlineData("W/\"2\", \"3\"")]
    public async Task Get_IfNoneMatchOtherVersions_Returns200WithTheUser(string ifNoneMatch)
    {
        var id = await CreateAsync("etag-200");

        using var response = await SendAsync(HttpMethod.Get, $"/users/{id}", null, ("If-None-Match", ifNoneMatch));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("\"1\"", response.Headers.ETag?.Tag);
        Assert.Equal(1, (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("version").GetInt64());
    }

    [Fact]
    public async Task Get_IfNoneMatchStarOnUnknownUser_Returns404()
    {
        using var response = await SendAsync(HttpMethod.Get, $"/users/{UserReads.NewId("etag-none")}", null, ("If-None-Match", "*"));

        await ProblemAssert.IsAsync(response, HttpStatusCode.NotFound);
    }

    [Theory]
    [InlineData("\"1\"")]
    [InlineData("\"5\", \"1\"")]
    [InlineData("*")]
    public async Task Put_IfMatchHolds_WithoutBodyVersion_Returns200WithTheNextETag(string ifMatch)
    {
        var id = await CreateAsync("etag-put");

        using var response = await SendAsync(HttpMethod.Put, $"/users/{id}", new { name = "After", email = "after@example.com" }, ("If-Match", ifMatch));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("\"2\"", response.Headers.ETag?.Tag);
        Assert.Equal(("After", 2L), await ReadAsync(id));
    }

    [Fact]
    public async Task Put_IfMatchAndBodyVersionAgree_Returns200()
    {
        var id = await CreateAsync("etag-put-both");

        using var response = await SendAsync(HttpMethod.Put, $"/users/{id}", new { name = "Both", email = "both@example.com", version = 1 }, ("If-Match", "\"1\""));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(("Both", 2L), await ReadAsync(id));
    }

    [Theory]
    [InlineData("\"2\"")]
    [InlineData("\"3\", \"4\"")]
    [InlineData("W/\"1\"")]
    public async Task Put_IfMatchDoesNotHold_Returns412AndChangesNothing(string ifMatch)
    {
        var id = await CreateAsync("etag-put-412");

        using var response = await SendAsync(HttpMethod.Put, $"/users/{id}", new { name = "Late", email = "late@example.com" }, ("If-Match", ifMatch));

        var problem = await ProblemAssert.IsAsync(response, HttpStatusCode.PreconditionFailed);
        Assert.False(string.IsNullOrEmpty(problem.GetProperty("detail").GetString()));
        if (!ifMatch.StartsWith("W/", StringComparison.Ordinal))
        {
            Assert.Equal(1, problem.GetProperty("currentVersion").GetInt64());
        }

        Assert.Equal(("Kept", 1L), await ReadAsync(id));
    }

    [Fact]
    public async Task Put_IfMatchWhileAnotherWriterMovedOn_Returns412WithTheCurrentVersion()
    {
        var id = await CreateAsync("etag-put-race");
        using var first = await SendAsync(HttpMethod.Put, $"/users/{id}", new { name = "First", email = "first@example.com" }, ("If-Match", "\"1\""));

        using var second = await SendAsync(HttpMethod.Put, $"/users/{id}", new { name = "Second", email = "second@example.com" }, ("If-Match", "\"1\""));

        Assert.Equal(HttpStatusCode.OK, first.StatusCode);
        var problem = await ProblemAssert.IsAsync(second, HttpStatusCode.PreconditionFailed);
        Assert.Equal(2, problem.GetProperty("currentVersion").GetInt64());
        Assert.Equal(("First", 2L), await ReadAsync(id));
    }

    [Theory]
    [InlineData("PUT", "\"1\"")]
    [InlineData("PUT", "*")]
    [InlineData("DELETE", "\"1\"")]
    [InlineData("DELETE", "*")]
    public async Task Write_IfMatchOnUnknownUser_Returns412(string method, string ifMatch)
    {
        var path = $"/users/{UserReads.NewId("etag-ghost")}";

        using var response = await SendAsync(new HttpMethod(method), path, method == "PUT" ? new { name = "G", email = "g@example.com" } : null, ("If-Match", ifMatch));

        await ProblemAssert.IsAsync(response, HttpStatusCode.PreconditionFailed);
    }

    [Fact]
    public async Task Put_IfMatchAndBodyVersionDisagree_Returns400NamingVersion()
    {
        var id = await CreateAsync("etag-put-disagree");

        using var response = await SendAsync(HttpMethod.Put, $"/users/{id}", new { name = "N", email = "n@example.com", version = 1 }, ("If-Match", "\"2\""));

        await ProblemAssert.IsInvalidAsync(response, "version");
        Assert.Equal(("Kept", 1L), await ReadAsync(id));
    }

    [Fact]
    public async Task Put_IfMatchStarWithStaleBodyVersion_Returns409AsTheBodyContractSays()
    {
        var id = await CreateAsync("etag-put-star-stale");
        using var moved = await Http.PutAsJsonAsync($"/users/{id}", new { name = "Moved", email = "moved@example.com", version = 1 });

        using var response = await SendAsync(HttpMethod.Put, $"/users/{id}", new { name = "N", email = "n@example.com", version = 1 }, ("If-Match", "*"));

        var problem = await ProblemAssert.IsAsync(response, HttpStatusCode.Conflict);
        Assert.Equal(2, problem.GetProperty("currentVersion").GetInt64());
    }

    [Theory]
    [InlineData("\"1\"")]
    [InlineData("*")]
    public async Task Delete_IfMatchHolds_Returns204AndTheUserIsGone(string ifMatch)
    {
        var id = await CreateAsync("etag-del");

        using var response = await SendAsync(HttpMethod.Delete, $"/users/{id}", null, ("If-Match", ifMatch));
        using var read = await Http.GetAsync($"/users/{id}");

        Assert.Equal(HttpStatusCode.NoContent, response.StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, read.StatusCode);
    }

    [Fact]
    public async Task Delete_IfMatchStale_Returns412WithCurrentVersionAndKeepsTheUser()
    {
        var id = await CreateAsync("etag-del-412");

        using var response = await SendAsync(HttpMethod.Delete, $"/users/{id}", null, ("If-Match", "\"4\""));

        var problem = await ProblemAssert.IsAsync(response, HttpStatusCode.PreconditionFailed);
        Assert.Equal(1, problem.GetProperty("currentVersion").GetInt64());
        Assert.Equal(("Kept", 1L), await ReadAsync(id));
    }

    [Fact]
    public async Task Delete_IfMatchAndQueryVersionDisagree_Returns400NamingVersionAndKeepsTheUser()
    {
        var id = await CreateAsync("etag-del-disagree");

        using var response = await SendAsync(HttpMethod.Delete, $"/users/{id}?version=1", null, ("If-Match", "\"2\""));

        await ProblemAssert.IsInvalidAsync(response, "version");
        Assert.Equal(("Kept", 1L), await ReadAsync(id));
    }

    [Theory]
    [InlineData("GET", "If-None-Match", "1")]
    [InlineData("GET", "If-None-Match", "\"abc\"")]
    [InlineData("GET", "If-None-Match", "*, \"1\"")]
    [InlineData("PUT", "If-Match", "\"0\"")]
    [InlineData("PUT", "If-Match", "W/1")]
    [InlineData("PUT", "If-Match", "\"99999999999999999999\"")]
    [InlineData("DELETE", "If-Match", "\"1")]
    [InlineData("DELETE", "If-Match", "\"\"")]
    public async Task AnyMethod_MalformedConditionalHeader_Returns400NamingTheHeaderAndKeepsTheUser(string method, string header, string value)
    {
        var id = await CreateAsync("etag-bad");

        using var response = await SendAsync(new HttpMethod(method), $"/users/{id}", method == "PUT" ? new { name = "N", email = "n@example.com" } : null, (header, value));

        await ProblemAssert.IsInvalidAsync(response, header);
        Assert.Equal(("Kept", 1L), await ReadAsync(id));
    }

    [Fact]
    public async Task OpenApi_DescribesTheConditionalHeadersAnd304And412()
    {
        var document = await Http.GetFromJsonAsync<JsonElement>("/openapi/v1.json");
        var user = document.GetProperty("paths").GetProperty("/users/{id}");

        Assert.Contains("If-None-Match", HeaderParameters(user.GetProperty("get")));
        Assert.Contains("If-Match", HeaderParameters(user.GetProperty("put")));
        Assert.Contains("If-Match", HeaderParameters(user.GetProperty("delete")));
        Assert.True(user.GetProperty("get").GetProperty("responses").TryGetProperty("304", out _));
        Assert.True(user.GetProperty("put").GetProperty("responses").TryGetProperty("412", out _));
        Assert.True(user.GetProperty("delete").GetProperty("responses").TryGetProperty("412", out _));
        Assert.True(user.GetProperty("put").GetProperty("responses").GetProperty("200").GetProperty("headers").TryGetProperty("ETag", out _));
        Assert.True(document.GetProperty("paths").GetProperty("/users").GetProperty("post").GetProperty("responses").GetProperty("201").GetProperty("headers").TryGetProperty("ETag", out _));
    }

    private static string[] HeaderParameters(JsonElement operation) =>
        [.. operation.GetProperty("parameters").EnumerateArray().Where(p => p.GetProperty("in").GetString() == "header").Select(p => p.GetProperty("name").GetString()!)];

    private async Task<string> CreateAsync(string prefix)
    {
        var id = UserReads.NewId(prefix);
        using var created = await Http.PostAsJsonAsync("/users", new { id, name = "Kept", email = "kept@example.com" });
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        return id;
    }

    private async Task<(string?, long)> ReadAsync(string id)
    {
        var read = await Http.GetFromJsonAsync<JsonElement>($"/users/{id}");
        return (read.GetProperty("name").GetString(), read.GetProperty("version").GetInt64());
    }

    private async Task<HttpResponseMessage> SendAsync(HttpMethod method, string path, object? body, (string Name, string Value) header)
    {
        using var request = new HttpRequestMessage(method, path) { Content = body is null ? null : JsonContent.Create(body) };
        Assert.True(request.Headers.TryAddWithoutValidation(header.Name, header.Value));
        return await Http.SendAsync(request);
    }
}
