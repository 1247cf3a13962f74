using OrleansRedis.Testing;
using OrleansRedis.Tests.Infrastructure;

namespace OrleansRedis.Tests.Cli;

/// <summary>The <c>orleansredis</c> tool against <c>./run.sh</c>'s cluster: each command's output and exit code.</summary>
[Collection(RunScriptCollection.Name)]
public sealed class CliCommandTests : IAsyncLifetime
{
    private RunScriptCluster _cluster = null!;

    /// <inheritdoc />
    public async ValueTask InitializeAsync() => _cluster = await RunScriptCluster.StartAsync();

    /// <inheritdoc />
    public async ValueTask DisposeAsync() => await _cluster.DisposeAsync();

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
        Assert.Contains("409: Evicting policy refused", refused.Output);
        Assert.Equal(0, applied.ExitCode);
        Assert.Matches(@"maxMemory\s+536870912", applied.Output);
        Assert.Equal(0, json.ExitCode);
        Assert.Contains("\"maxMemoryPolicy\": \"noeviction\"", json.Output);
        Assert.Equal(5, noKey.ExitCode);
        Assert.Contains("401", noKey.Output);
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
