using OrleansRedis.Abstractions.Configuration;

namespace OrleansRedis.Grains.Realtime;

/// <summary>Validates <see cref="RealtimeOptions"/> with messages that name the setting.</summary>
public sealed class RealtimeOptionsValidator : SettingsValidator<RealtimeOptions>
{
    /// <summary>The largest payload the options may allow: 1 MiB (pub/sub and SSE carry every event whole).</summary>
    public const int MaxPayloadBytesLimit = 1024 * 1024;

    /// <inheritdoc />
    protected override IEnumerable<string> Check(RealtimeOptions options) => Errors(options);

    /// <summary>Lists every problem in <paramref name="options"/>, each naming its setting.</summary>
    public static IEnumerable<string> Errors(RealtimeOptions options)
    {
        const string Section = RealtimeOptions.SectionName;
        if (options.MaxEventsPerTopic is < 1 or > 100_000_000)
        {
            yield return $"{Section}:MaxEventsPerTopic must be between 1 and 100000000 (it was {options.MaxEventsPerTopic}).";
        }

        if (options.MaxEventAge < TimeSpan.Zero || options.MaxEventAge > TimeSpan.FromDays(365))
        {
            yield return $"{Section}:MaxEventAge must be between 00:00:00 (no age limit) and 365.00:00:00 (it was {options.MaxEventAge}).";
        }

        if (options.MaxPayloadBytes is < 16 or > MaxPayloadBytesLimit)
        {
            yield return $"{Section}:MaxPayloadBytes must be between 16 and {MaxPayloadBytesLimit} (it was {options.MaxPayloadBytes}).";
        }

        if (options.MaxPageSize is < 1 or > 10_000)
        {
            yield return $"{Section}:MaxPageSize must be between 1 and 10000 (it was {options.MaxPageSize}).";
        }

        if (options.SubscriberBufferSize is < 1 or > 1_000_000)
        {
            yield return $"{Section}:SubscriberBufferSize must be between 1 and 1000000 (it was {options.SubscriberBufferSize}).";
        }

        if (options.SlowClientRetry < TimeSpan.FromMilliseconds(1) || options.SlowClientRetry > TimeSpan.FromMinutes(10))
        {
            yield return $"{Section}:SlowClientRetry must be between 00:00:00.001 and 00:10:00 (it was {options.SlowClientRetry}).";
        }

        if (options.RelayCheckInterval < TimeSpan.FromMilliseconds(100) || options.RelayCheckInterval > TimeSpan.FromMinutes(5))
        {
            yield return $"{Section}:RelayCheckInterval must be between 00:00:00.100 and 00:05:00 (it was {options.RelayCheckInterval}).";
        }

        if (options.MaxPresenceTtl < TimeSpan.FromSeconds(1) || options.MaxPresenceTtl > TimeSpan.FromDays(1))
        {
            yield return $"{Section}:MaxPresenceTtl must be between 00:00:01 and 1.00:00:00 (it was {options.MaxPresenceTtl}).";
        }

        if (options.PresenceTtl < TimeSpan.FromSeconds(1) || options.PresenceTtl > options.MaxPresenceTtl)
        {
            yield return $"{Section}:PresenceTtl must be between 00:00:01 and MaxPresenceTtl ({options.MaxPresenceTtl}) (it was {options.PresenceTtl}).";
        }

        if (options.MaxPresenceDataBytes is < 2 or > 65_536)
        {
            yield return $"{Section}:MaxPresenceDataBytes must be between 2 and 65536 (it was {options.MaxPresenceDataBytes}).";
        }
    }
}
