using Microsoft.Extensions.Options;
using Orleans.Configuration;
using OrleansRedis.Abstractions.Configuration;
using OrleansRedis.Redis;

namespace OrleansRedis.Grains.Locks;

/// <summary>Validates <see cref="LockOptions"/> with messages that name the setting.</summary>
public sealed class LockOptionsValidator(IOptions<RedisOptions> redis, IOptions<SiloMessagingOptions> messaging) : SettingsValidator<LockOptions>
{
    /// <summary>The longest lease the options may allow.</summary>
    public static readonly TimeSpan MaxLeaseLimit = TimeSpan.FromDays(1);

    /// <inheritdoc />
    protected override IEnumerable<string> Check(LockOptions options)
    {
        // Bad Redis settings are reported by their own validator; measured against the default timeout here, so that
        // each problem is listed once.
        var redisTimeout = OptionsOrDefault(redis, new RedisOptions()).OperationTimeout;
        return Errors(options, messaging.Value.ResponseTimeout, redisTimeout);
    }

    private static T OptionsOrDefault<T>(IOptions<T> options, T fallback)
        where T : class
    {
        try
        {
            return options.Value;
        }
        catch (OptionsValidationException)
        {
            return fallback;
        }
    }

    /// <summary>
    /// Lists every problem in <paramref name="options"/>; <paramref name="responseTimeout"/> and
    /// <paramref name="redisTimeout"/> bound how long a waiting call may take.
    /// </summary>
    public static IEnumerable<string> Errors(LockOptions options, TimeSpan responseTimeout, TimeSpan redisTimeout)
    {
        const string Section = LockOptions.SectionName;
        if (options.MaxLease < TimeSpan.FromMilliseconds(1) || options.MaxLease > MaxLeaseLimit)
        {
            yield return $"{Section}:MaxLease must be at least 1 ms and at most {MaxLeaseLimit} (it was {options.MaxLease}).";
        }

        // A waiting call also spends up to one Redis timeout on its first attempt and one on the grant.
        var longestWait = responseTimeout - (2 * redisTimeout) - TimeSpan.FromSeconds(1);
        if (options.MaxWait < TimeSpan.Zero || options.MaxWait > longestWait)
        {
            yield return $"{Section}:MaxWait must be between 00:00:00 and {Max(longestWait, TimeSpan.Zero)} (it was {options.MaxWait}): " +
                $"a waiting call must answer before Orleans' response timeout ({responseTimeout}) minus twice OrleansRedis:Redis:OperationTimeout ({redisTimeout}) and 1 s.";
        }

        if (options.MaxWaitersPerLock is < 1 or > 1_000_000)
        {
            yield return $"{Section}:MaxWaitersPerLock must be between 1 and 1000000 (it was {options.MaxWaitersPerLock}).";
        }

        foreach (var error in ReplicaWait.Errors(Section, options.ReplicaAcks, options.ReplicaAckTimeout))
        {
            yield return error;
        }
    }

    private static TimeSpan Max(TimeSpan a, TimeSpan b) => a > b ? a : b;
}
