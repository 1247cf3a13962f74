using OrleansRedis.Abstractions.RateLimiting;
using OrleansRedis.Redis;
using OrleansRedis.Redis.RateLimiting;

namespace OrleansRedis.Tests.RateLimiting;

/// <summary>Grain keys and Redis keys of rate limits.</summary>
public sealed class RateLimitKeyTests
{
    [Theory]
    [InlineData("demo/alice", "demo", "alice")]
    [InlineData("api.v2_free-tier/10.0.0.1", "api.v2_free-tier", "10.0.0.1")]
    [InlineData("demo/users/42", "demo", "users/42")]
    [InlineData("demo/{braces}", "demo", "{braces}")]
    public void TryParse_ValidKey_SplitsAtTheFirstSlash(string key, string policy, string subject)
    {
        Assert.True(RateLimitKey.TryParse(key, out var parsedPolicy, out var parsedSubject));
        Assert.Equal((policy, subject), (parsedPolicy, parsedSubject));
        Assert.Equal(key, RateLimitKey.Compose(policy, subject));
    }

    [Theory]
    [InlineData("")]
    [InlineData("demo")]
    [InlineData("/alice")]
    [InlineData("demo/")]
    [InlineData("demo/   ")]
    [InlineData("de mo/alice")]
    [InlineData("demo/al\nice")]
    public void TryParse_InvalidKey_False(string key) =>
        Assert.False(RateLimitKey.TryParse(key, out _, out _));

    [Fact]
    public void Compose_SubjectOverTheLimit_Throws()
    {
        var exception = Assert.Throws<ArgumentException>(() => RateLimitKey.Compose("demo", new string('x', RateLimitKey.MaxSubjectLength + 1)));

        Assert.Equal("subject", exception.ParamName);
    }

    [Fact]
    public void RedisKeys_EveryAlgorithmOfOneSubject_ShareOneHashTag()
    {
        var keys = new RedisKeys(Microsoft.Extensions.Options.Options.Create(new RedisOptions { KeyPrefix = "or" }));

        var all = keys.RateLimitAll("demo", "alice");

        Assert.Equal(["or:ratelimit:{demo/alice}:log", "or:ratelimit:{demo/alice}:counter", "or:ratelimit:{demo/alice}:gcra"], all.Select(k => k.ToString()));
        Assert.Equal(keys.RateLimit("demo", "alice", RateLimitAlgorithm.TokenBucket), all[2]);
    }
}
