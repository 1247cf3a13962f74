using OrleansRedis.AspNetCore.Options;
using Microsoft.Extensions.Configuration;
using OrleansRedis.Silo.Hosting;
using OrleansRedis.Silo.Options;
using OrleansRedis.Testing;
using OrleansRedis.Tests.Infrastructure;

namespace OrleansRedis.Tests.Foundation;

/// <summary>A bad setting stops the host at start, with a message that names it.</summary>
public sealed class HostConfigurationTests
{
    [Theory]
    [InlineData("OrleansRedis:Redis:State", "", "OrleansRedis:Redis:State is required")]
    [InlineData("OrleansRedis:Redis:State", "localhost:6379,connectTimeout=soon", "OrleansRedis:Redis:State is not a valid Redis connection string")]
    [InlineData("OrleansRedis:Http:Port", "70000", "OrleansRedis:Http:Port must be between 1 and 65535")]
    [InlineData("OrleansRedis:Cluster:SiloPort", "0", "OrleansRedis:Cluster:SiloPort must be between 1 and 65535")]
    [InlineData("OrleansRedis:Cluster:GatewayPort", "8080", "must all differ")]
    [InlineData("OrleansRedis:Cluster:ClusterId", "has spaces", "OrleansRedis:Cluster:ClusterId must be 1-64 characters")]
    [InlineData("OrleansRedis:Redis:OperationTimeout", "00:01:00", "OrleansRedis:Redis:OperationTimeout must be greater than 0")]
    [InlineData("OrleansRedis:Admin:ApiKey", "short", "OrleansRedis:Admin:ApiKey must be at least 16 characters")]
    [InlineData("OrleansRedis:Redis:StateServiceKey", "state", "OrleansRedis:Redis:State and OrleansRedis:Redis:StateServiceKey (or a StateMultiplexer factory) are both set")]
    [InlineData("OrleansRedis:Http:Port", "abc", "OrleansRedis:Http:Port must be a whole number (it was 'abc').")]
    [InlineData("OrleansRedis:Redis:OperationTimeout", "soon", "OrleansRedis:Redis:OperationTimeout must be a duration such as 00:00:10 (hh:mm:ss) (it was 'soon').")]
    [InlineData("OrleansRedis:Locks:MaxWaitersPerLock", "many", "OrleansRedis:Locks:MaxWaitersPerLock must be a whole number (it was 'many').")]
    [InlineData("OrleansRedis:Sessions:IdleTimeout", "00:00:00", "OrleansRedis:Sessions:IdleTimeout must be between")]
    [InlineData("OrleansRedis:Database:Provider", "Oracle", "OrleansRedis:Database:Provider must be one of Sqlite, Postgres (it was 'Oracle').")]
    [InlineData("OrleansRedis:Users:ServeStaleOnDatabaseFailure", "maybe", "OrleansRedis:Users:ServeStaleOnDatabaseFailure must be true or false (it was 'maybe').")]
    [InlineData("OrleansRedis:Dashboard:CounterUpdateInterval", "00:00:00.500", "OrleansRedis:Dashboard:CounterUpdateInterval must be between 00:00:01 and 01:00:00")]
    [InlineData("OrleansRedis:Dashboard:Enabled", "sometimes", "OrleansRedis:Dashboard:Enabled must be true or false (it was 'sometimes').")]
    [InlineData("OrleansRedis:Cluster:Membership:ProbeTimeout", "fast", "OrleansRedis:Cluster:Membership:ProbeTimeout must be a duration such as 00:00:10 (hh:mm:ss) (it was 'fast').")]
    public void Load_BadSetting_ErrorNamesTheSetting(string key, string value, string expected)
    {
        var configuration = Configuration((key, value));

        var (_, errors) = SiloHostSettingsLoader.Load(configuration);

        Assert.Contains(errors, e => e.Contains(expected, StringComparison.Ordinal));
    }

    [Fact]
    public void Load_BadSettingsInSeveralClasses_AllReportedTogetherOnce()
    {
        var configuration = Configuration(
            ("OrleansRedis:Http:Port", "abc"),
            ("OrleansRedis:Redis:OperationTimeout", "00:01:00"),
            ("OrleansRedis:Locks:MaxWait", "00:01:00"),
            ("OrleansRedis:RateLimits:Policies:demo:Limt", "5"),
            ("OrleansRedis:Users:CacheTtl", "soon"));

        var (_, errors) = SiloHostSettingsLoader.Load(configuration);

        Assert.Contains(errors, e => e.StartsWith("OrleansRedis:Http:Port must be a whole number", StringComparison.Ordinal));
        Assert.Single(errors, e => e.StartsWith("OrleansRedis:Redis:OperationTimeout must be", StringComparison.Ordinal));
        Assert.Contains(errors, e => e.StartsWith("OrleansRedis:Locks:MaxWait must be between", StringComparison.Ordinal));
        Assert.Contains(errors, e => e.StartsWith("OrleansRedis:RateLimits:Policies:demo:Limt is not a known setting", StringComparison.Ordinal));
        Assert.Contains(errors, e => e.StartsWith("OrleansRedis:Users:CacheTtl must be a duration", StringComparison.Ordinal));
    }

    [Fact]
    public void Load_ValidSettings_NoErrors()
    {
        var (settings, errors) = SiloHostSettingsLoader.Load(Configuration());

        Assert.Empty(errors);
        Assert.Equal(("localhost:6379", 8080), (settings.Redis.State, settings.Http.Port));
    }

    [Fact]
    public void AdminSettings_ToString_RedactsTheKey()
    {
        var admin = new AdminSettings { ApiKey = "a-very-secret-admin-key" };

        Assert.DoesNotContain("secret", admin.ToString());
    }

    [Theory]
    [InlineData("OrleansRedis__Redis__State", "", "OrleansRedis:Redis:State")]
    [InlineData("OrleansRedis__Http__Port", "70000", "OrleansRedis:Http:Port")]
    public async Task SiloProcess_InvalidSetting_ExitsNonZeroNamingTheSetting(string variable, string value, string named)
    {
        var environment = new Dictionary<string, string> { [variable] = value };

        var (exitCode, output) = await SiloProcess.RunToExitAsync(RepositoryPaths.SiloDll, environment, [], TimeSpan.FromSeconds(60));

        Assert.Equal(ExitCodes.InvalidConfigurationCode, exitCode);
        Assert.Contains(named, output);
    }

    [Fact]
    public async Task SiloProcess_StateRedisUnreachable_ExitsWithCodeNamingTheSetting()
    {
        var environment = new Dictionary<string, string>
        {
            ["OrleansRedis__Redis__State"] = $"127.0.0.1:{FreePort.Next()}",
            ["OrleansRedis__Cluster__SiloPort"] = FreePort.Next().ToString(),
            ["OrleansRedis__Cluster__GatewayPort"] = FreePort.Next().ToString(),
            ["OrleansRedis__Http__Port"] = FreePort.Next().ToString(),
        };

        var (exitCode, output) = await SiloProcess.RunToExitAsync(RepositoryPaths.SiloDll, environment, [], TimeSpan.FromSeconds(120));

        Assert.Equal(ExitCodes.RedisUnreachableCode, exitCode);
        Assert.Contains("OrleansRedis:Redis:State", output);
        Assert.DoesNotContain("Unhandled exception", output);
    }

    private static IConfiguration Configuration(params (string Key, string Value)[] overrides)
    {
        var values = new Dictionary<string, string?>
        {
            ["OrleansRedis:Redis:State"] = "localhost:6379",
        };
        foreach (var (key, value) in overrides)
        {
            values[key] = value;
        }

        return new ConfigurationBuilder().AddInMemoryCollection(values).Build();
    }
}
