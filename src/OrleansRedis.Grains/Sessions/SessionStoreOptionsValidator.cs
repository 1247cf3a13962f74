using Microsoft.Extensions.Options;
using OrleansRedis.Abstractions.Configuration;
using OrleansRedis.Abstractions.Sessions;
using OrleansRedis.Redis;

namespace OrleansRedis.Grains.Sessions;

/// <summary>Validates <see cref="SessionStoreOptions"/> with messages that name the setting.</summary>
public sealed class SessionStoreOptionsValidator : SettingsValidator<SessionStoreOptions>
{
    /// <summary>The largest <see cref="SessionStoreOptions.MaxDataBytes"/> accepted: 16 MiB.</summary>
    public const int MaxDataBytesLimit = 16 * 1024 * 1024;

    /// <summary>The longest <see cref="SessionStoreOptions.MaxAbsoluteTimeout"/> accepted: 365 days.</summary>
    public static readonly TimeSpan MaxTimeoutLimit = TimeSpan.FromDays(365);

    /// <inheritdoc />
    protected override IEnumerable<string> Check(SessionStoreOptions options) => Errors(options);

    /// <summary>Lists every problem in <paramref name="options"/>, each naming its setting.</summary>
    public static IEnumerable<string> Errors(SessionStoreOptions options)
    {
        const string Section = SessionStoreOptions.SectionName;
        var min = SessionLimits.MinTimeout;
        if (options.MaxIdleTimeout < min || options.MaxIdleTimeout > MaxTimeoutLimit)
        {
            yield return $"{Section}:MaxIdleTimeout must be between {min} and {MaxTimeoutLimit} (it was {options.MaxIdleTimeout}).";
        }

        if (options.MaxAbsoluteTimeout < min || options.MaxAbsoluteTimeout > MaxTimeoutLimit)
        {
            yield return $"{Section}:MaxAbsoluteTimeout must be between {min} and {MaxTimeoutLimit} (it was {options.MaxAbsoluteTimeout}).";
        }

        if (options.IdleTimeout < min || options.IdleTimeout > options.MaxIdleTimeout)
        {
            yield return $"{Section}:IdleTimeout must be between {min} and MaxIdleTimeout ({options.MaxIdleTimeout}) (it was {options.IdleTimeout}).";
        }

        if (options.AbsoluteTimeout < min || options.AbsoluteTimeout > options.MaxAbsoluteTimeout)
        {
            yield return $"{Section}:AbsoluteTimeout must be between {min} and MaxAbsoluteTimeout ({options.MaxAbsoluteTimeout}) (it was {options.AbsoluteTimeout}).";
        }

        if (options.MaxDataBytes is < 2 or > MaxDataBytesLimit)
        {
            yield return $"{Section}:MaxDataBytes must be between 2 and {MaxDataBytesLimit} (it was {options.MaxDataBytes}).";
        }

        if (options.SlideResolution < TimeSpan.Zero || options.SlideResolution > TimeSpan.FromSeconds(1))
        {
            yield return $"{Section}:SlideResolution must be between 00:00:00 and 00:00:01 (it was {options.SlideResolution}).";
        }

        foreach (var error in ReplicaWait.Errors(Section, options.ReplicaAcks, options.ReplicaAckTimeout))
        {
            yield return error;
        }
    }
}
