using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using OrleansRedis.Grains.RateLimiting;
using OrleansRedis.Redis.RateLimiting;
using OrleansRedis.Silo.Hosting;
using OrleansRedis.Testing;

namespace OrleansRedis.Tests.RateLimiting;

/// <summary>Policies are validated at start; every bad value is reported by its full setting name.</summary>
public sealed class RateLimitingOptionsTests
{
    private const string Demo = "OrleansRedis:RateLimits:Policies:demo";

    [Theory]
    [InlineData($"{Demo}:Limit", "0", $"{Demo}:Limit is required")]
    [InlineData($"{Demo}:Limit", "-3", $"{Demo}:Limit must be between 1 and 100000 for SlidingLog (it was -3).")]
    [InlineData($"{Demo}:Limit", "100001", $"{Demo}:Limit must be between 1 and 100000 for SlidingLog")]
    [InlineData($"{Demo}:Limit", "five", $"{Demo}:Limit must be a whole number (it was 'five').")]
    [InlineData($"{Demo}:Window", "00:00:00", $"{Demo}:Window is required")]
    [InlineData($"{Demo}:Window", "-00:00:01", $"{Demo}:Window must be between 00:00:00.001 and 7.00:00:00")]
    [InlineData($"{Demo}:Window", "8.00:00:00", $"{Demo}:Window must be between 00:00:00.001 and 7.00:00:00")]
    [InlineData($"{Demo}:Window", "ten seconds", $"{Demo}:Window must be a duration such as 00:00:10")]
    [InlineData($"{Demo}:Algorithm", "Fancy", $"{Demo}:Algorithm must be one of SlidingLog, SlidingWindowCounter, TokenBucket (it was 'Fancy').")]
    [InlineData($"{Demo}:Algorithm", "2", $"{Demo}:Algorithm must be one of SlidingLog, SlidingWindowCounter, TokenBucket")]
    [InlineData($"{Demo}:FailureMode", "Maybe", $"{Demo}:FailureMode must be one of Open, Closed (it was 'Maybe').")]
    [InlineData($"{Demo}:DecisionTimeout", "00:00:00", $"{Demo}:DecisionTimeout must be greater than 0 and at most 00:00:10")]
    [InlineData($"{Demo}:DecisionTimeout", "00:00:11", $"{Demo}:DecisionTimeout must be greater than 0 and at most 00:00:10")]
    [InlineData($"{Demo}:Limt", "5", $"{Demo}:Limt is not a known setting (known: Algorithm, Limit, Window, FailureMode, DecisionTimeout).")]
    [InlineData("OrleansRedis:RateLimits:Polices:demo:Limit", "5", "OrleansRedis:RateLimits:Polices is not a known setting (known: Policies, DecisionTimeout, MaxBatchSize, ExhaustedCacheDuration).")]
    [InlineData("OrleansRedis:RateLimits:MaxBatchSize", "99999999999", "OrleansRedis:RateLimits:MaxBatchSize must be a whole number from -2147483648 to 2147483647 (it was '99999999999').")]
    [InlineData("OrleansRedis:RateLimits:DecisionTimeout", "00:01:00", "OrleansRedis:RateLimits:DecisionTimeout must be greater than 0 and at most 00:00:10")]
    [InlineData("OrleansRedis:RateLimits:MaxBatchSize", "0", "OrleansRedis:RateLimits:MaxBatchSize must be between 1 and 10000 (it was 0).")]
    [InlineData("OrleansRedis:RateLimits:ExhaustedCacheDuration", "00:05:00", "OrleansRedis:RateLimits:ExhaustedCacheDuration must be between 00:00:00 and 00:01:00")]
    [InlineData("OrleansRedis:RateLimits:Policies:bad name!:Limit", "5", "OrleansRedis:RateLimits:Policies:bad name!: the policy name must be")]
    public void Options_BadSetting_FailureNamesTheSetting(string key, string value, string expected)
    {
        var failures = Failures(Valid().Append((key, value)));

        Assert.Contains(failures, f => f.Contains(expected, StringComparison.Ordinal));
    }

    [Fact]
    public void Options_SeveralBadSettings_AllReportedTogether()
    {
        var failures = Failures(Valid().Concat([($"{Demo}:Algorithm", "Fancy"), ($"{Demo}:Limit", "0"), ("OrleansRedis:RateLimits:MaxBatchSize", "x")]));

        Assert.Contains(failures, f => f.StartsWith($"{Demo}:Algorithm", StringComparison.Ordinal));
        Assert.Contains(failures, f => f.StartsWith($"{Demo}:Limit", StringComparison.Ordinal));
        Assert.Contains(failures, f => f.StartsWith("OrleansRedis:RateLimits:MaxBatchSize", StringComparison.Ordinal));
    }

    [Fact]
    public void Options_UnreadableLimit_ReportedOnceNotAlsoAsRequired()
    {
        var failures = Failures(Valid().Append(($"{Demo}:Limit", "five")));

        Assert.Equal([$"{Demo}:Limit must be a whole number (it was 'five')."], failures);
    }

    [Fact]
    public void Options_ConfigureDelegate_AppliesAfterConfiguration()
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?> { [$"{Demo}:Limit"] = "5", [$"{Demo}:Window"] = "00:00:10" }).Build();
        using var services = new ServiceCollection()
            .AddOrleansRedisRateLimiting(configuration, o => o.Policies["demo"].Limit = 7)
            .BuildServiceProvider();

        Assert.True(services.GetRequiredService<RateLimitPolicies>().TryGet("demo", out var demo));
        Assert.Equal(7, demo.Limit);
    }

    [Fact]
    public void Policies_MinimalPolicy_GetsTheDocumentedDefaults()
    {
        var policies = Build([($"{Demo}:Limit", "5"), ($"{Demo}:Window", "00:00:10")]).GetRequiredService<RateLimitPolicies>();

        Assert.True(policies.TryGet("DEMO", out var demo));
        Assert.Equal(new RateLimitPolicy("demo", RateLimitAlgorithm.SlidingLog, 5, TimeSpan.FromSeconds(10), RateLimitFailureMode.Open, TimeSpan.FromMilliseconds(500)), demo);
        Assert.Equal((256, TimeSpan.FromSeconds(1)), (policies.MaxBatchSize, policies.ExhaustedCacheDuration));
    }

    [Fact]
    public void Policies_PerPolicyDecisionTimeout_OverridesTheGlobalOne()
    {
        var services = Build(Valid().Concat([
            ($"{Demo}:DecisionTimeout", "00:00:00.250"), ("OrleansRedis:RateLimits:DecisionTimeout", "00:00:00.750"),
            ("OrleansRedis:RateLimits:Policies:other:Limit", "9"), ("OrleansRedis:RateLimits:Policies:other:Window", "00:01:00"),
            ("OrleansRedis:RateLimits:Policies:other:Algorithm", "tokenbucket"), ("OrleansRedis:RateLimits:Policies:other:FailureMode", "closed")]));
        var policies = services.GetRequiredService<RateLimitPolicies>();

        Assert.True(policies.TryGet("demo", out var demo));
        Assert.True(policies.TryGet("other", out var other));
        Assert.Equal(TimeSpan.FromMilliseconds(250), demo.DecisionTimeout);
        Assert.Equal((RateLimitAlgorithm.TokenBucket, RateLimitFailureMode.Closed, TimeSpan.FromMilliseconds(750)), (other.Algorithm, other.FailureMode, other.DecisionTimeout));
    }

    [Fact]
    public void AppSettings_ShipsTheDemoPolicy_FivePerTenSecondsSlidingLog()
    {
        var configuration = new ConfigurationBuilder()
            .AddJsonFile(Path.Combine(RepositoryPaths.Root, "src", "OrleansRedis.Silo", "appsettings.json"))
            .Build();
        var services = new ServiceCollection().AddOrleansRedisRateLimiting(configuration).BuildServiceProvider();

        Assert.True(services.GetRequiredService<RateLimitPolicies>().TryGet("demo", out var demo));
        Assert.Equal((RateLimitAlgorithm.SlidingLog, 5L, TimeSpan.FromSeconds(10)), (demo.Algorithm, demo.Limit, demo.Window));
    }

    [Theory]
    [InlineData("OrleansRedis__RateLimits__Policies__bad__Limit", "0", "OrleansRedis:RateLimits:Policies:bad:Limit is required")]
    [InlineData("OrleansRedis__RateLimits__Policies__bad__Algorithm", "Fancy", "OrleansRedis:RateLimits:Policies:bad:Algorithm must be one of")]
    public async Task SiloProcess_InvalidPolicy_ExitsWithCode2NamingTheSetting(string variable, string value, string expected)
    {
        var environment = new Dictionary<string, string>
        {
            ["OrleansRedis__RateLimits__Policies__bad__Limit"] = "5",
            ["OrleansRedis__RateLimits__Policies__bad__Window"] = "00:00:10",
            [variable] = value,
        };

        var (exitCode, output) = await SiloProcess.RunToExitAsync(RepositoryPaths.SiloDll, environment, [], TimeSpan.FromSeconds(60));

        Assert.True(exitCode == ExitCodes.InvalidConfigurationCode, $"exit code {exitCode}: {output}");
        Assert.Contains(expected, output);
    }

    private static IEnumerable<(string Key, string Value)> Valid() =>
        [($"{Demo}:Limit", "5"), ($"{Demo}:Window", "00:00:10")];

    private static ServiceProvider Build(IEnumerable<(string Key, string Value)> settings)
    {
        var values = new Dictionary<string, string?>();
        foreach (var (key, value) in settings)
        {
            values[key] = value;
        }

        var configuration = new ConfigurationBuilder().AddInMemoryCollection(values).Build();
        return new ServiceCollection().AddOrleansRedisRateLimiting(configuration).BuildServiceProvider();
    }

    private static IReadOnlyList<string> Failures(IEnumerable<(string Key, string Value)> settings)
    {
        using var services = Build(settings);
        var exception = Assert.Throws<OptionsValidationException>(() => services.GetRequiredService<IOptions<RateLimitingOptions>>().Value);
        return [.. exception.Failures];
    }
}
