using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using System.Text.RegularExpressions;
using OrleansRedis.AspNetCore.Errors;
using OrleansRedis.Testing;
using OrleansRedis.Tests.Infrastructure;

namespace OrleansRedis.Tests.Cli;

/// <summary>The <c>orleansredis</c> tool against <c>./run.sh</c>'s cluster: each command's output and exit code.</summary>
[Collection(SharedRunScriptCollection.Name)]
public sealed class CliCommandTests(RunScriptClusterFixture fixture)
{
    private readonly RunScriptCluster _cluster = fixture.Script;

    [Fact]
    public async Task RedisCommands_MemoryBigkeysMaxmemory_ReadableOutputAndExitCodes()
    {
        var key = _cluster.AdminKey;

        var memory = await CliAsync("redis", "memory", "--admin-key", key);
        var bigKeys = await CliAsync("redis", "bigkeys", "--top", "5", "--admin-key", key);
        var refused = await CliAsync("redis", "maxmemory", "--role", "state", "--policy", "allkeys-lru", "--admin-key", key);
        var applied = await CliAsync("redis", "maxmemory", "--role", "state", "--max-memory", "512mb", "--admin-key", key);
        var json = await CliAsync("redis", "memory", "--json", "--admin-key", key);
        var noKey = await CliAsync("redis", "memory");

        Assert.Equal(0, memory.ExitCode);
        Assert.Matches(@"maxMemoryPolicy\s+noeviction", memory.Output);
        Assert.Matches(@"aofEnabled\s+true", memory.Output);
        Assert.Equal(0, bigKeys.ExitCode);
        Assert.Contains("prefixes:", bigKeys.Output);
        Assert.Contains("orleansredis/members", bigKeys.Output);
        Assert.Equal(3, refused.ExitCode);
        Assert.Contains($"409: {Problems.ConflictTitle}", refused.Output);
        Assert.Contains("noeviction", refused.Output);
        Assert.Equal(0, applied.ExitCode);
        Assert.Matches(@"maxMemory\s+536870912", applied.Output);
        Assert.Equal(0, json.ExitCode);
        Assert.Contains("\"maxMemoryPolicy\": \"noeviction\"", json.Output);
        Assert.Equal(5, noKey.ExitCode);
        Assert.Contains("401", noKey.Output);
    }

    [Fact]
    public async Task CapabilityCommands_LockSessionUserQueue_ReadableOutputAndExitCodes()
    {
        using var http = new HttpClient { BaseAddress = new Uri("http://127.0.0.1:8080") };
        var lockName = $"cli-{Guid.NewGuid():N}";
        var userId = $"cli-{Guid.NewGuid():N}"[..20];
        using var createdUser = await http.PostAsJsonAsync("/users", new { id = userId, name = "Cli User", email = "cli@example.com" });
        using var createdSession = await http.PostAsJsonAsync("/sessions", new { userId, data = new { theme = "dark" } });
        var sessionId = (await createdSession.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("sessionId").GetString()!;

        var acquired = await CliAsync("lock", "acquire", lockName, "--owner", "cli-test", "--lease-ms", "30000");
        var token = Regex.Match(acquired.Output, @"^token\s+(\S+)", RegexOptions.Multiline).Groups[1].Value;
        var held = await CliAsync("lock", "acquire", lockName, "--owner", "someone-else", "--lease-ms", "30000");
        var released = await CliAsync("lock", "release", lockName, "--token", token);
        var session = await CliAsync("session", "get", sessionId);
        var missingSession = await CliAsync("session", "get", new string('A', 43));
        var user = await CliAsync("user", "get", userId);
        var userJson = await CliAsync("user", "get", userId, "--json");
        var missingUser = await CliAsync("user", "get", "no-such-user-here");
        var enqueued = await CliAsync("queues", "enqueue", "emails", "--payload", """{"to":"cli@example.com"}""", "--key", "cli", "--priority", "high");
        var jobId = Regex.Match(enqueued.Output, @"^jobId\s+(\S+)", RegexOptions.Multiline).Groups[1].Value;
        var job = await CliAsync("queues", "get", "emails", jobId);
        var stats = await CliAsync("queues", "stats", "emails");
        var pauseWithoutKey = await CliAsync("queues", "pause", "emails");
        var paused = await CliAsync("queues", "pause", "emails", "--admin-key", _cluster.AdminKey);
        var resumed = await CliAsync("queues", "resume", "emails", "--admin-key", _cluster.AdminKey);
        var dead = await CliAsync("queues", "dead", "emails", "--limit", "5");
        var retryMissing = await CliAsync("queues", "retry", "emails", $"0-{new string('x', 22)}", "--admin-key", _cluster.AdminKey);
        var badPayload = await CliAsync("queues", "enqueue", "emails", "--payload", "{not json");
        var unknownQueue = await CliAsync("queues", "stats", "nosuchqueue");
        var later = await CliAsync("queues", "enqueue", "emails", "--payload", "1", "--run-at", DateTimeOffset.UtcNow.AddDays(30).ToString("yyyy-MM-ddTHH:mm:ssZ", System.Globalization.CultureInfo.InvariantCulture), "--backoff-ms", "2000", "--user-id", "cli-user");
        var laterCancelled = await CliAsync("queues", "cancel", "emails", Regex.Match(later.Output, @"^jobId\s+(\S+)", RegexOptions.Multiline).Groups[1].Value);
        var schedulePut = await CliAsync("queues", "schedules", "put", "emails", "cli-nightly", "--cron", "0 3 * * *", "--payload", "{}", "--admin-key", _cluster.AdminKey);
        var scheduleList = await CliAsync("queues", "schedules", "list", "emails");
        var scheduleDelete = await CliAsync("queues", "schedules", "delete", "emails", "cli-nightly", "--admin-key", _cluster.AdminKey);
        var purgedOld = await CliAsync("queues", "purge", "emails", "--older-than", "2000-01-01T00:00:00Z", "--admin-key", _cluster.AdminKey);
        var topic = $"cli-{Guid.NewGuid():N}";
        var first = await CliAsync("topic", "publish", topic, """{"text":"hello"}""", "--type", "chat");
        var second = await CliAsync("topic", "publish", topic, "\"bye\"");
        var history = await CliAsync("topic", "history", topic, "--after", "0-0", "--json");
        var tail = await CliAsync("topic", "tail", topic, "--after", "0-0", "--count", "2");
        var notJson = await CliAsync("topic", "publish", topic, "{not json");
        var badTopic = await CliAsync("topic", "publish", "no spaces allowed", "{}");

        Assert.Equal(HttpStatusCode.Created, createdUser.StatusCode);
        Assert.Equal(0, acquired.ExitCode);
        Assert.Matches(@"fencingToken\s+\d+", acquired.Output);
        Assert.NotEmpty(token);
        Assert.Equal(3, held.ExitCode);
        Assert.Contains("409", held.Output);
        Assert.Equal(0, released.ExitCode);
        Assert.Equal(0, session.ExitCode);
        Assert.Matches($@"userId\s+{userId}", session.Output);
        Assert.Equal(4, missingSession.ExitCode);
        Assert.Equal(0, user.ExitCode);
        Assert.Matches(@"name\s+Cli User", user.Output);
        Assert.Contains($"\"id\": \"{userId}\"", userJson.Output);
        Assert.Equal(4, missingUser.ExitCode);
        Assert.Equal(0, enqueued.ExitCode);
        Assert.Matches(@"deduplicated\s+false", enqueued.Output);
        Assert.NotEmpty(jobId);
        Assert.Equal(0, job.ExitCode);
        Assert.Matches($@"id\s+{Regex.Escape(jobId)}", job.Output);
        Assert.Matches(@"priority\s+high", job.Output);
        Assert.Equal(0, stats.ExitCode);
        Assert.Matches(@"enqueued\s+[1-9]", stats.Output);
        Assert.Equal(5, pauseWithoutKey.ExitCode);
        Assert.Equal((0, 0), (paused.ExitCode, resumed.ExitCode));
        Assert.Contains("Done.", paused.Output);
        Assert.Equal(0, dead.ExitCode);
        Assert.Equal(4, retryMissing.ExitCode);
        Assert.Equal(2, badPayload.ExitCode);
        Assert.Contains("--payload", badPayload.Output);
        Assert.Equal(4, unknownQueue.ExitCode);
        Assert.Contains("nosuchqueue", unknownQueue.Output);
        Assert.Equal(0, later.ExitCode);
        Assert.Matches(@"state\s+delayed", later.Output);
        Assert.Equal(0, laterCancelled.ExitCode);
        Assert.Equal((0, 0, 0), (schedulePut.ExitCode, scheduleList.ExitCode, scheduleDelete.ExitCode));
        Assert.Contains("cli-nightly", scheduleList.Output);
        Assert.Equal(0, purgedOld.ExitCode);
        Assert.Matches(@"purged\s+0", purgedOld.Output);

        var firstId = Regex.Match(first.Output, @"^id\s+(\d+-\d+)", RegexOptions.Multiline).Groups[1].Value;
        var secondId = Regex.Match(second.Output, @"^id\s+(\d+-\d+)", RegexOptions.Multiline).Groups[1].Value;
        Assert.Equal((0, 0), (first.ExitCode, second.ExitCode));
        Assert.NotEmpty(firstId);
        Assert.NotEmpty(secondId);
        Assert.Equal(0, history.ExitCode);
        Assert.Contains($"\"id\": \"{firstId}\"", history.Output);
        Assert.Contains($"\"id\": \"{secondId}\"", history.Output);
        Assert.Equal(0, tail.ExitCode);
        var tailed = tail.Output.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        Assert.Equal([$"{firstId}\tchat\t{{\"text\":\"hello\"}}", $"{secondId}\tmessage\t\"bye\""], tailed);
        Assert.Equal(2, notJson.ExitCode);
        Assert.Equal(2, badTopic.ExitCode);
        Assert.Contains("topic", badTopic.Output);
    }

    [Fact]
    public async Task Cli_BadArgumentsOrUnreachableServer_DistinctExitCodes()
    {
        var badArgument = await CliAsync("redis", "memory", "--no-such-option");
        var unreachable = await CliAsync("redis", "memory", "--url", $"http://127.0.0.1:{FreePort.Next()}");

        Assert.Equal(2, badArgument.ExitCode);
        Assert.Contains("--no-such-option", badArgument.Output);
        Assert.Equal(1, unreachable.ExitCode);
        Assert.Contains("Cannot reach", unreachable.Output);
    }

    private static Task<(int ExitCode, string Output)> CliAsync(params string[] arguments) =>
        SiloProcess.RunToExitAsync(RepositoryPaths.CliDll, new Dictionary<string, string>(), arguments, TimeSpan.FromSeconds(60));
}
