using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using OrleansRedis.Silo.Hosting;
using OrleansRedis.Testing;

namespace OrleansRedis.Tests.Users;

/// <summary>The host with a bad or unreachable database: a clear start failure, or a 503 with the reason.</summary>
public sealed class UsersHostTests
{
    [Theory]
    [InlineData("OrleansRedis__Database__Provider", "Postgres", "OrleansRedis:Database:ConnectionString")]
    [InlineData("OrleansRedis__Users__CacheTtl", "00:00:00", "OrleansRedis:Users:CacheTtl")]
    [InlineData("OrleansRedis__Database__Provider", "Oracle", "OrleansRedis:Database:Provider")]
    [InlineData("OrleansRedis__Users__CacheTtl", "soon", "OrleansRedis:Users:CacheTtl")]
    public async Task SiloProcess_InvalidUsersSetting_ExitsWithInvalidConfigurationNamingIt(string variable, string value, string named)
    {
        await using var redis = await RedisServer.StartAsync();
        var environment = new Dictionary<string, string>
        {
            ["OrleansRedis__Redis__State"] = redis.ConnectionString,
            ["OrleansRedis__Http__Port"] = FreePort.Next().ToString(),
            ["OrleansRedis__Cluster__SiloPort"] = FreePort.Next().ToString(),
            ["OrleansRedis__Cluster__GatewayPort"] = FreePort.Next().ToString(),
            [variable] = value,
        };

        var (exitCode, output) = await SiloProcess.RunToExitAsync(RepositoryPaths.SiloDll, environment, [], TimeSpan.FromSeconds(90));

        Assert.Equal(ExitCodes.InvalidConfigurationCode, exitCode);
        Assert.Contains(named, output);
    }

    [Fact]
    public async Task Users_DatabaseUnreachable_SiloStartsAndAnswers503ProblemJsonWithTheReason()
    {
        await using var redis = await RedisServer.StartAsync();
        await using var silo = SiloProcess.Start(redis.ConnectionString, $"dbdown-{Guid.NewGuid():N}", $"dbdown-{Guid.NewGuid():N}", new Dictionary<string, string>
        {
            ["OrleansRedis__Database__Provider"] = "Postgres",
            ["OrleansRedis__Database__ConnectionString"] = $"Host=127.0.0.1;Port={FreePort.Next()};Username=nobody;Database=none",
            ["OrleansRedis__Database__OperationTimeout"] = "00:00:02",
        });
        await silo.WaitReadyAsync();

        using var read = await silo.Http.GetAsync($"/users/{UserReads.NewId("down")}");
        using var create = await silo.Http.PostAsJsonAsync("/users", new { name = "N", email = "n@example.com" });

        foreach (var response in new[] { read, create })
        {
            Assert.Equal(HttpStatusCode.ServiceUnavailable, response.StatusCode);
            Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
            Assert.Equal("1", response.Headers.RetryAfter?.ToString());
            var problem = await response.Content.ReadFromJsonAsync<JsonElement>();
            Assert.Contains("PostgreSQL", problem.GetProperty("detail").GetString());
        }
    }
}
