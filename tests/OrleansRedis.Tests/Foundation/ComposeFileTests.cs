using System.Diagnostics;
using OrleansRedis.Testing;
using OrleansRedis.Tests.Infrastructure;

namespace OrleansRedis.Tests.Foundation;

/// <summary>No Docker engine runs here, so the compose file is validated, not run.</summary>
public sealed class ComposeFileTests
{
    [Fact]
    public async Task DockerCompose_ConfigQuiet_ValidatesTheFile()
    {
        var info = new ProcessStartInfo("docker-compose", ["-f", Path.Combine(RepositoryPaths.Root, "docker-compose.yml"), "config", "-q"])
        {
            RedirectStandardError = true,
            RedirectStandardOutput = true,
            WorkingDirectory = RepositoryPaths.Root,
        };

        using var process = Process.Start(info)!;
        var errors = await process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync();

        Assert.True(process.ExitCode == 0, $"docker-compose config -q failed: {errors}");
    }

    [Fact]
    public async Task DockerCompose_Services_HaveTwoRedisRolesPostgresAndThreeSilos()
    {
        var info = new ProcessStartInfo("docker-compose", ["-f", Path.Combine(RepositoryPaths.Root, "docker-compose.yml"), "config", "--services"])
        {
            RedirectStandardOutput = true,
            WorkingDirectory = RepositoryPaths.Root,
        };

        using var process = Process.Start(info)!;
        var services = (await process.StandardOutput.ReadToEndAsync()).Split('\n', StringSplitOptions.RemoveEmptyEntries).ToHashSet();
        await process.WaitForExitAsync();

        Assert.Superset(new HashSet<string> { "redis-state", "redis-cache", "postgres", "silo1", "silo2", "silo3" }, services);
    }

    [Fact]
    public async Task DockerCompose_RedisClusterProfile_SixNodesJoinedOnceAndSilosNamingEveryNode()
    {
        var info = new ProcessStartInfo("docker-compose", ["-f", Path.Combine(RepositoryPaths.Root, "docker-compose.yml"), "--profile", "redis-cluster", "config"])
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            WorkingDirectory = RepositoryPaths.Root,
        };

        using var process = Process.Start(info)!;
        var config = await process.StandardOutput.ReadToEndAsync();
        var errors = await process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync();

        Assert.True(process.ExitCode == 0, $"docker-compose --profile redis-cluster config failed: {errors}");
        Assert.Equal(6, config.Split("cluster-enabled").Length - 1);
        Assert.Contains("--cluster-replicas 1", config);
        Assert.Contains(string.Join(",", Enumerable.Range(1, 6).Select(n => $"redis-node-{n}:6379")), config);
        Assert.Contains("orleansredis-cluster", config);
    }
}
