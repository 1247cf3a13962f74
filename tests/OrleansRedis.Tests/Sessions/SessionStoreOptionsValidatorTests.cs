using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using OrleansRedis.Grains.Sessions;

namespace OrleansRedis.Tests.Sessions;

public sealed class SessionStoreOptionsValidatorTests
{
    [Theory]
    [InlineData("OrleansRedis:Sessions:MaxDataBytes", "64k", "OrleansRedis:Sessions:MaxDataBytes must be a whole number (it was '64k').")]
    [InlineData("OrleansRedis:Sessions:IdleTimeout", "half an hour", "OrleansRedis:Sessions:IdleTimeout must be a duration such as 00:00:10 (hh:mm:ss) (it was 'half an hour').")]
    public void Configuration_UnreadableValue_FailsNamingIt(string key, string value, string expected)
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?> { [key] = value }).Build();
        using var services = new ServiceCollection().AddOrleansRedisSessions(configuration).BuildServiceProvider();

        var exception = Assert.Throws<OptionsValidationException>(() => services.GetRequiredService<IOptions<SessionStoreOptions>>().Value);

        Assert.Equal([expected], exception.Failures);
    }

    [Fact]
    public void Validate_Defaults_Succeed()
    {
        var result = new SessionStoreOptionsValidator().Validate(null, new SessionStoreOptions());

        Assert.True(result.Succeeded, result.FailureMessage);
    }

    [Fact]
    public void Defaults_AreTheDocumentedOnes()
    {
        var options = new SessionStoreOptions();

        Assert.Equal(
            (TimeSpan.FromMinutes(30), TimeSpan.FromHours(8), 65536, TimeSpan.FromMilliseconds(500)),
            (options.IdleTimeout, options.AbsoluteTimeout, options.MaxDataBytes, options.SlideResolution));
    }

    public static TheoryData<string, Action<SessionStoreOptions>> BadSettings => new()
    {
        { "OrleansRedis:Sessions:IdleTimeout", o => o.IdleTimeout = TimeSpan.Zero },
        { "OrleansRedis:Sessions:IdleTimeout", o => o.IdleTimeout = TimeSpan.FromHours(25) },
        { "OrleansRedis:Sessions:AbsoluteTimeout", o => o.AbsoluteTimeout = TimeSpan.FromMilliseconds(999) },
        { "OrleansRedis:Sessions:AbsoluteTimeout", o => o.AbsoluteTimeout = TimeSpan.FromDays(8) },
        { "OrleansRedis:Sessions:MaxIdleTimeout", o => o.MaxIdleTimeout = TimeSpan.FromDays(400) },
        { "OrleansRedis:Sessions:MaxAbsoluteTimeout", o => o.MaxAbsoluteTimeout = TimeSpan.Zero },
        { "OrleansRedis:Sessions:MaxDataBytes", o => o.MaxDataBytes = 0 },
        { "OrleansRedis:Sessions:MaxDataBytes", o => o.MaxDataBytes = 17 * 1024 * 1024 },
        { "OrleansRedis:Sessions:SlideResolution", o => o.SlideResolution = TimeSpan.FromSeconds(2) },
        { "OrleansRedis:Sessions:SlideResolution", o => o.SlideResolution = TimeSpan.FromSeconds(-1) },
        { "OrleansRedis:Sessions:ReplicaAcks", o => o.ReplicaAcks = -1 },
        { "OrleansRedis:Sessions:ReplicaAcks", o => o.ReplicaAcks = 6 },
        { "OrleansRedis:Sessions:ReplicaAckTimeout", o => o.ReplicaAckTimeout = TimeSpan.Zero },
        { "OrleansRedis:Sessions:ReplicaAckTimeout", o => o.ReplicaAckTimeout = TimeSpan.FromSeconds(6) },
    };

    [Theory]
    [MemberData(nameof(BadSettings))]
    public void Validate_BadSetting_FailsNamingIt(string setting, Action<SessionStoreOptions> spoil)
    {
        var options = new SessionStoreOptions();
        spoil(options);

        var result = new SessionStoreOptionsValidator().Validate(null, options);

        Assert.True(result.Failed);
        Assert.Contains(result.Failures!, f => f.StartsWith(setting + " must be", StringComparison.Ordinal));
    }
}
