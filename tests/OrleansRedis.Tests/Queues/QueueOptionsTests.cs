using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using OrleansRedis.Grains.Queues;

namespace OrleansRedis.Tests.Queues;

/// <summary>Queue settings are validated at start, with messages that name the setting.</summary>
public sealed class QueueOptionsTests
{
    private static readonly TimeSpan ResponseTimeout = TimeSpan.FromSeconds(30);

    [Fact]
    public void Defaults_AreValid_AndADefaultDefinitionToo()
    {
        var options = new QueueOptions();
        options.Definitions["emails"] = new QueueDefinition();

        Assert.Empty(QueueOptionsValidator.Errors(options, ResponseTimeout));
    }

    [Theory]
    [InlineData("Partitions", "0", "OrleansRedis:Queues:Definitions:q:Partitions must be between 1 and 256 (it was 0).")]
    [InlineData("MaxDepth", "0", "OrleansRedis:Queues:Definitions:q:MaxDepth must be between 1 and 100000000 (it was 0).")]
    [InlineData("MaxAttempts", "0", "OrleansRedis:Queues:Definitions:q:MaxAttempts must be between 1 and 1000 (it was 0).")]
    [InlineData("LeaseTime", "00:00:00.500", "OrleansRedis:Queues:Definitions:q:LeaseTime must be between 00:00:01 and MaxLeaseTime (01:00:00) (it was 00:00:00.5000000).")]
    [InlineData("BackoffBase", "00:10:00", "OrleansRedis:Queues:Definitions:q:BackoffBase must be between 00:00:00 and BackoffMax (00:05:00) (it was 00:10:00).")]
    [InlineData("HandlerConcurrency", "0", "OrleansRedis:Queues:Definitions:q:HandlerConcurrency must be between 1 and 10000 (it was 0).")]
    [InlineData("MaxConcurrency", "0", "OrleansRedis:Queues:Definitions:q:MaxConcurrency must be between 1 and 1000000, or left out for no cap (it was 0).")]
    [InlineData("Retention", "00:00:00", "OrleansRedis:Queues:Definitions:q:Retention must be between 00:00:01 and 30.00:00:00 (it was 00:00:00).")]
    [InlineData("MaxDead", "0", "OrleansRedis:Queues:Definitions:q:MaxDead must be between 1 and 10000000 (it was 0).")]
    [InlineData("IdempotencyWindow", "40.00:00:00", "OrleansRedis:Queues:Definitions:q:IdempotencyWindow must be between 00:00:01 and 30.00:00:00 (it was 40.00:00:00).")]
    public void Definition_BadValue_ErrorNamesTheSetting(string setting, string value, string expected)
    {
        Assert.Equal([expected], Validate(new() { [$"OrleansRedis:Queues:Definitions:q:{setting}"] = value }));
    }

    [Theory]
    [InlineData("MaxPayloadBytes", "0", "OrleansRedis:Queues:MaxPayloadBytes must be between 1 and 16777216 (it was 0).")]
    [InlineData("MaxBulk", "0", "OrleansRedis:Queues:MaxBulk must be between 1 and 100000 (it was 0).")]
    [InlineData("MaxWait", "00:00:26", "OrleansRedis:Queues:MaxWait must be between 00:00:00 and 00:00:25 (it was 00:00:26): a waiting lease must answer before Orleans' response timeout (00:00:30) minus 5 s.")]
    [InlineData("KeeperPeriod", "00:00:00", "OrleansRedis:Queues:KeeperPeriod must be between 00:00:00.1000000 and 00:05:00 (it was 00:00:00).")]
    [InlineData("MaxBulk", "many", "OrleansRedis:Queues:MaxBulk must be a whole number (it was 'many').")]
    public void Global_BadValue_ErrorNamesTheSetting(string setting, string value, string expected)
    {
        Assert.Equal([expected], Validate(new() { [$"OrleansRedis:Queues:{setting}"] = value }));
    }

    [Fact]
    public void MisspeltKeyAndBadQueueName_Refused()
    {
        var errors = Validate(new() { ["OrleansRedis:Queues:Definitions:q:Partitons"] = "2", ["OrleansRedis:Queues:Definitions:a#b:Partitions"] = "2" });

        Assert.Contains(errors, e => e.StartsWith("OrleansRedis:Queues:Definitions:q:Partitons is not a known setting", StringComparison.Ordinal));
        Assert.Contains(errors, e => e.StartsWith("OrleansRedis:Queues:Definitions:a#b: the queue name must be", StringComparison.Ordinal));
    }

    [Fact]
    public void QueueNames_FoundCaseInsensitively_AsDeclared()
    {
        var options = new QueueOptions();
        options.Definitions["Emails"] = new QueueDefinition();

        Assert.Equal("Emails", options.Find("emails")?.Name);
        Assert.Null(options.Find("other"));
    }

    private static List<string> Validate(Dictionary<string, string?> settings)
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(settings).Build();
        using var services = new ServiceCollection().AddOrleansRedisQueues(configuration).BuildServiceProvider();
        var failure = Record.Exception(() => services.GetRequiredService<IOptions<QueueOptions>>().Value);
        return failure is OptionsValidationException invalid ? [.. invalid.Failures] : [];
    }
}
