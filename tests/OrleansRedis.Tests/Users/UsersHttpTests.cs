using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using OrleansRedis.Testing;
using OrleansRedis.Tests.Foundation;

namespace OrleansRedis.Tests.Users;

/// <summary>The <c>/users</c> HTTP contract, against a real silo process on SQLite.</summary>
[Collection(UsersSiloProcessCollection.Name)]
public sealed class UsersHttpTests(UsersSiloProcessFixture fixture)
{
    private HttpClient Http => fixture.Silo.Http;

    [Fact]
    public async Task Post_NewUser_Returns201WithLocationAndTheUser()
    {
        var id = UserReads.NewId("http");

        using var response = await Http.PostAsJsonAsync("/users", new { id, name = "Ada Lovelace", email = "ada@example.com" });
        var body = await response.Content.ReadFromJsonAsync<JsonElement>();

        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        Assert.Equal($"/users/{id}", response.Headers.Location?.OriginalString);
        Assert.Equal((id, "Ada Lovelace", "ada@example.com", 1L), (body.GetProperty("id").GetString(), body.GetProperty("name").GetString(), body.GetProperty("email").GetString(), body.GetProperty("version").GetInt64()));
        Assert.True(body.TryGetProperty("updatedAtUtc", out _));
    }

    [Fact]
    public async Task Post_WithoutId_GeneratesOne()
    {
        using var response = await Http.PostAsJsonAsync("/users", new { name = "No Id", email = "noid@example.com" });
        var body = await response.Content.ReadFromJsonAsync<JsonElement>();

        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        Assert.Equal(32, body.GetProperty("id").GetString()!.Length);
    }

    [Fact]
    public async Task Post_ExistingId_Returns409ProblemJson()
    {
        var id = UserReads.NewId("http-dup");
        using var first = await Http.PostAsJsonAsync("/users", new { id, name = "First", email = "first@example.com" });

        using var second = await Http.PostAsJsonAsync("/users", new { id, name = "Second", email = "second@example.com" });

        Assert.Equal(HttpStatusCode.Created, first.StatusCode);
        await AssertProblemAsync(second, HttpStatusCode.Conflict);
    }

    [Fact]
    public async Task Get_UserOnlyInTheDatabase_XCacheDatabaseThenMemory()
    {
        var id = UserReads.NewId("http-get");
        await fixture.Database.CreateAsync(id, "Grace", "grace@example.com", DateTimeOffset.UtcNow, CancellationToken.None);

        using var cold = await Http.GetAsync($"/users/{id}");
        using var warm = await Http.GetAsync($"/users/{id}");
        var body = await warm.Content.ReadFromJsonAsync<JsonElement>();

        Assert.Equal((HttpStatusCode.OK, HttpStatusCode.OK), (cold.StatusCode, warm.StatusCode));
        Assert.Equal(["database"], cold.Headers.GetValues("X-Cache"));
        Assert.Equal(["memory"], warm.Headers.GetValues("X-Cache"));
        Assert.False(warm.Headers.Contains("X-Cache-Stale"));
        Assert.Equal("\"1\"", warm.Headers.ETag?.Tag);
        Assert.Equal(("Grace", 1L), (body.GetProperty("name").GetString(), body.GetProperty("version").GetInt64()));
    }

    [Fact]
    public async Task Get_Unknown_Returns404ProblemJson()
    {
        using var response = await Http.GetAsync($"/users/{UserReads.NewId("nobody")}");

        await AssertProblemAsync(response, HttpStatusCode.NotFound);
    }

    [Fact]
    public async Task Put_AtCurrentVersion_Returns200WithNextVersion_ThenOldVersion409()
    {
        var id = UserReads.NewId("http-put");
        using var created = await Http.PostAsJsonAsync("/users", new { id, name = "Before", email = "before@example.com" });

        using var updated = await Http.PutAsJsonAsync($"/users/{id}", new { name = "After", email = "after@example.com", version = 1 });
        using var conflict = await Http.PutAsJsonAsync($"/users/{id}", new { name = "Late", email = "late@example.com", version = 1 });
        var read = await Http.GetFromJsonAsync<JsonElement>($"/users/{id}");

        Assert.Equal(HttpStatusCode.OK, updated.StatusCode);
        Assert.Equal(2, (await updated.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("version").GetInt64());
        var problem = await AssertProblemAsync(conflict, HttpStatusCode.Conflict);
        Assert.Equal(2, problem.GetProperty("currentVersion").GetInt64());
        Assert.Equal(("After", 2L), (read.GetProperty("name").GetString(), read.GetProperty("version").GetInt64()));
    }

    [Fact]
    public async Task Put_Unknown_Returns404()
    {
        using var response = await Http.PutAsJsonAsync($"/users/{UserReads.NewId("ghost")}", new { name = "G", email = "g@example.com", version = 1 });

        await AssertProblemAsync(response, HttpStatusCode.NotFound);
    }

    [Fact]
    public async Task Delete_Existing_Returns204ThenGet404AndDeleteAgain404()
    {
        var id = UserReads.NewId("http-del");
        using var created = await Http.PostAsJsonAsync("/users", new { id, name = "Temp", email = "temp@example.com" });

        using var wrongVersion = await Http.DeleteAsync($"/users/{id}?version=7");
        using var deleted = await Http.DeleteAsync($"/users/{id}?version=1");
        using var read = await Http.GetAsync($"/users/{id}");
        using var again = await Http.DeleteAsync($"/users/{id}");

        await AssertProblemAsync(wrongVersion, HttpStatusCode.Conflict);
        Assert.Equal(HttpStatusCode.NoContent, deleted.StatusCode);
        await AssertProblemAsync(read, HttpStatusCode.NotFound);
        await AssertProblemAsync(again, HttpStatusCode.NotFound);
    }

    [Theory]
    [InlineData("{\"id\":\"has space\",\"name\":\"N\",\"email\":\"n@example.com\"}", "id")]
    [InlineData("{\"id\":\"aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa\",\"name\":\"N\",\"email\":\"n@example.com\"}", "id")]
    [InlineData("{\"id\":\"a{b}\",\"name\":\"N\",\"email\":\"n@example.com\"}", "id")]
    [InlineData("{\"name\":\"N\",\"email\":\"not-an-email\"}", "email")]
    [InlineData("{\"name\":\"N\",\"email\":\"two@@example.com\"}", "email")]
    [InlineData("{\"name\":\"N\"}", "email")]
    [InlineData("{\"name\":\"\",\"email\":\"n@example.com\"}", "name")]
    [InlineData("{\"email\":\"n@example.com\"}", "name")]
    public async Task Post_InvalidField_Returns400ProblemJsonNamingTheField(string body, string field)
    {
        using var response = await Http.PostAsync("/users", new StringContent(body, Encoding.UTF8, "application/json"));

        var problem = await AssertProblemAsync(response, HttpStatusCode.BadRequest);
        Assert.True(problem.GetProperty("errors").TryGetProperty(field, out _), $"no error for '{field}': {problem}");
    }

    [Fact]
    public async Task Post_FieldsTooLong_Returns400ForNameAndEmail()
    {
        var body = new { name = new string('n', 101), email = new string('e', 250) + "@example.com" };

        using var response = await Http.PostAsJsonAsync("/users", body);

        var problem = await AssertProblemAsync(response, HttpStatusCode.BadRequest);
        Assert.True(problem.GetProperty("errors").TryGetProperty("name", out _));
        Assert.True(problem.GetProperty("errors").TryGetProperty("email", out _));
    }

    [Theory]
    [InlineData("{\"name\":\"N\",\"email\":\"n@example.com\"}", "version")]
    [InlineData("{\"name\":\"N\",\"email\":\"n@example.com\",\"version\":0}", "version")]
    [InlineData("{\"name\":\"N\",\"email\":\"bad\",\"version\":1}", "email")]
    public async Task Put_InvalidBody_Returns400AndChangesNothing(string body, string field)
    {
        var id = UserReads.NewId("http-put-bad");
        using var created = await Http.PostAsJsonAsync("/users", new { id, name = "Kept", email = "kept@example.com" });

        using var response = await Http.PutAsync($"/users/{id}", new StringContent(body, Encoding.UTF8, "application/json"));
        var read = await Http.GetFromJsonAsync<JsonElement>($"/users/{id}");

        var problem = await AssertProblemAsync(response, HttpStatusCode.BadRequest);
        Assert.True(problem.GetProperty("errors").TryGetProperty(field, out _));
        Assert.Equal(("Kept", 1L), (read.GetProperty("name").GetString(), read.GetProperty("version").GetInt64()));
    }

    [Theory]
    [InlineData("GET")]
    [InlineData("DELETE")]
    public async Task AnyMethod_InvalidIdInPath_Returns400ProblemJson(string method)
    {
        foreach (var id in new[] { new string('x', 65), ProblemAssert.LongKey })
        {
            using var response = await Http.SendAsync(new HttpRequestMessage(new HttpMethod(method), $"/users/{id}"));

            await ProblemAssert.IsInvalidAsync(response, "id");
        }
    }

    [Theory]
    [InlineData("0")]
    [InlineData("-1")]
    [InlineData("abc")]
    [InlineData("99999999999999999999")]
    [InlineData("7kb")]
    public async Task Delete_InvalidVersionInQuery_Returns400NamingVersionAndKeepsTheUser(string version)
    {
        var id = UserReads.NewId("http-delete-bad");
        using var created = await Http.PostAsJsonAsync("/users", new { id, name = "Kept", email = "kept@example.com" });
        var query = version == "7kb" ? new string('9', 7 * 1024) : Uri.EscapeDataString(version);

        using var response = await Http.DeleteAsync($"/users/{id}?version={query}");
        using var read = await Http.GetAsync($"/users/{id}");

        await ProblemAssert.IsInvalidAsync(response, "version");
        Assert.Equal(HttpStatusCode.OK, read.StatusCode);
    }

    [Fact]
    public async Task Metrics_AfterReads_ExportsTheUsersMeter()
    {
        var id = UserReads.NewId("http-metrics");
        using var created = await Http.PostAsJsonAsync("/users", new { id, name = "M", email = "m@example.com" });
        using var read = await Http.GetAsync($"/users/{id}");

        var text = await Eventually.SucceedsAsync(async () =>
        {
            var body = await Http.GetStringAsync("/metrics");
            return body.Contains("orleansredis_users_reads") && body.Contains("orleansredis_users_database_queries")
                ? body
                : throw new InvalidOperationException("the users meter is not exported yet");
        }, TimeSpan.FromSeconds(30), "/metrics exports the users meter");

        Assert.Contains("orleansredis_users_database_duration", text);
    }

    [Fact]
    public async Task OpenApi_DescribesTheUsersEndpoints()
    {
        var document = await Http.GetFromJsonAsync<JsonElement>("/openapi/v1.json");

        Assert.True(document.GetProperty("paths").TryGetProperty("/users/{id}", out _));
        Assert.True(document.GetProperty("paths").TryGetProperty("/users", out _));
    }

    private static Task<JsonElement> AssertProblemAsync(HttpResponseMessage response, HttpStatusCode status) =>
        ProblemAssert.IsAsync(response, status);
}
