using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using OrleansRedis.Abstractions.Realtime;
using OrleansRedis.Grains.Realtime;

namespace OrleansRedis.Tests.Realtime;

/// <summary>Real-time settings are validated at start with messages that name the setting; names and ids are checked.</summary>
public sealed class RealtimeOptionsTests
{
    [Fact]
    public void Defaults_AreValid() => Assert.Empty(RealtimeOptionsValidator.Errors(new RealtimeOptions()));

    [Theory]
    [InlineData(nameof(RealtimeOptions.MaxEventsPerTopic), "0", "OrleansRedis:Realtime:MaxEventsPerTopic must be between 1 and 100000000 (it was 0).")]
    [InlineData(nameof(RealtimeOptions.MaxEventAge), "-00:00:01", "OrleansRedis:Realtime:MaxEventAge must be between 00:00:00 (no age limit) and 365.00:00:00")]
    [InlineData(nameof(RealtimeOptions.MaxPayloadBytes), "2000000", "OrleansRedis:Realtime:MaxPayloadBytes must be between 16 and 1048576 (it was 2000000).")]
    [InlineData(nameof(RealtimeOptions.SubscriberBufferSize), "0", "OrleansRedis:Realtime:SubscriberBufferSize must be between 1 and 1000000 (it was 0).")]
    [InlineData(nameof(RealtimeOptions.PresenceTtl), "02:00:00", "OrleansRedis:Realtime:PresenceTtl must be between 00:00:01 and MaxPresenceTtl (01:00:00)")]
    [InlineData(nameof(RealtimeOptions.RelayCheckInterval), "00:00:00", "OrleansRedis:Realtime:RelayCheckInterval must be between 00:00:00.100 and 00:05:00")]
    public void BadValue_FailsTheStartWithAMessageNamingTheSetting(string setting, string value, string expected)
    {
        var configuration = new ConfigurationBuilder()
            .AddInMemoryCollection(new Dictionary<string, string?> { [$"{RealtimeOptions.SectionName}:{setting}"] = value })
            .Build();
        using var services = new ServiceCollection().AddLogging().AddOrleansRedisRealtime(configuration).BuildServiceProvider();

        var failure = Assert.Throws<OptionsValidationException>(() => services.GetRequiredService<IOptions<RealtimeOptions>>().Value);

        Assert.Contains(failure.Failures, f => f.StartsWith(expected, StringComparison.Ordinal));
    }

    [Fact]
    public void CodeAfterConfiguration_Wins()
    {
        var configuration = new ConfigurationBuilder()
            .AddInMemoryCollection(new Dictionary<string, string?> { ["OrleansRedis:Realtime:SubscriberBufferSize"] = "10" })
            .Build();
        using var services = new ServiceCollection().AddLogging()
            .AddOrleansRedisRealtime(configuration, o => o.SubscriberBufferSize = 20).AddOrleansRedisRealtime(configuration)
            .BuildServiceProvider();

        Assert.Equal(20, services.GetRequiredService<IOptions<RealtimeOptions>>().Value.SubscriberBufferSize);
    }

    [Theory]
    [InlineData("user:42", true)]
    [InlineData("room:lobby", true)]
    [InlineData("job:emails:17", true)]
    [InlineData("a@b.c-d_e", true)]
    [InlineData("", false)]
    [InlineData("with space", false)]
    [InlineData("hash{tag}", false)]
    [InlineData("new\nline", false)]
    public void TopicNames_AreCheckedAgainstOneAlphabet(string topic, bool valid) => Assert.Equal(valid, RealtimeLimits.IsValidTopic(topic));

    [Theory]
    [InlineData("1733050000000-0", true)]
    [InlineData("1733050000000", true)]
    [InlineData("0-0", true)]
    [InlineData("-1", false)]
    [InlineData("12-x", false)]
    [InlineData("1-2-3", false)]
    [InlineData("123456789012345678901-0", false)]
    public void EventIds_ParseOnlyStreamEntryIds(string text, bool valid) => Assert.Equal(valid, TopicEventId.TryParse(text, out _));

    [Fact]
    public void EventIds_OrderByTimeThenSequence()
    {
        Assert.True(TopicEventId.Parse("5-10") < TopicEventId.Parse("6-0"));
        Assert.True(TopicEventId.Parse("6-2") > TopicEventId.Parse("6-1"));
        Assert.Equal("7-0", TopicEventId.Parse("7").ToString());
    }
}
