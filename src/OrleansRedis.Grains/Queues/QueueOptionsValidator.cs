using Microsoft.Extensions.Options;
using Orleans.Configuration;
using OrleansRedis.Abstractions.Configuration;
using OrleansRedis.Abstractions.Queues;
using OrleansRedis.Grains.RateLimiting;

namespace OrleansRedis.Grains.Queues;

/// <summary>Validates <see cref="QueueOptions"/> with messages that name the setting.</summary>
public sealed class QueueOptionsValidator(IOptions<SiloMessagingOptions> messaging, IOptions<RateLimitingOptions> rateLimits) : SettingsValidator<QueueOptions>
{
    /// <inheritdoc />
    protected override IEnumerable<string> Check(QueueOptions options) =>
        Errors(options, messaging.Value.ResponseTimeout, rateLimits.Value.Policies.ContainsKey);

    /// <summary>
    /// Lists every problem in <paramref name="options"/>; <paramref name="responseTimeout"/> bounds the long poll, and
    /// <paramref name="policyExists"/> (when given) says whether a rate-limit policy is configured.
    /// </summary>
    public static IEnumerable<string> Errors(QueueOptions options, TimeSpan responseTimeout, Func<string, bool>? policyExists = null)
    {
        const string Section = QueueOptions.SectionName;
        if (options.MaxPayloadBytes is < 1 or > 16 * 1024 * 1024)
        {
            yield return $"{Section}:MaxPayloadBytes must be between 1 and 16777216 (it was {options.MaxPayloadBytes}).";
        }

        if (options.MaxBulk is < 1 or > 100_000)
        {
            yield return $"{Section}:MaxBulk must be between 1 and 100000 (it was {options.MaxBulk}).";
        }

        var longestWait = responseTimeout - TimeSpan.FromSeconds(5);
        if (options.MaxWait < TimeSpan.Zero || options.MaxWait > longestWait)
        {
            yield return $"{Section}:MaxWait must be between 00:00:00 and {(longestWait > TimeSpan.Zero ? longestWait : TimeSpan.Zero)} (it was {options.MaxWait}): " +
                $"a waiting lease must answer before Orleans' response timeout ({responseTimeout}) minus 5 s.";
        }

        if (options.KeeperPeriod < TimeSpan.FromMilliseconds(100) || options.KeeperPeriod > TimeSpan.FromMinutes(5))
        {
            yield return $"{Section}:KeeperPeriod must be between 00:00:00.1000000 and 00:05:00 (it was {options.KeeperPeriod}).";
        }

        foreach (var (name, definition) in options.Definitions)
        {
            foreach (var error in DefinitionErrors($"{Section}:Definitions:{name}", name, definition, policyExists))
            {
                yield return error;
            }
        }
    }

    private static IEnumerable<string> DefinitionErrors(string path, string name, QueueDefinition d, Func<string, bool>? policyExists)
    {
        if (!QueueLimits.IsValidQueueName(name))
        {
            yield return $"{path}: the queue name must be 1-{QueueLimits.MaxQueueNameLength} characters of ASCII letters, digits, '.', '_' or '-'.";
        }

        if (d.Partitions is < 1 or > 256)
        {
            yield return $"{path}:Partitions must be between 1 and 256 (it was {d.Partitions}).";
        }

        if (d.MaxDepth is < 1 or > 100_000_000)
        {
            yield return $"{path}:MaxDepth must be between 1 and 100000000 (it was {d.MaxDepth}).";
        }

        if (d.MaxAttempts is < 1 or > 1000)
        {
            yield return $"{path}:MaxAttempts must be between 1 and 1000 (it was {d.MaxAttempts}).";
        }

        if (Outside(d.BackoffMax, TimeSpan.Zero, TimeSpan.FromDays(7)))
        {
            yield return $"{path}:BackoffMax must be between 00:00:00 and 7.00:00:00 (it was {d.BackoffMax}).";
        }

        if (Outside(d.BackoffBase, TimeSpan.Zero, d.BackoffMax))
        {
            yield return $"{path}:BackoffBase must be between 00:00:00 and BackoffMax ({d.BackoffMax}) (it was {d.BackoffBase}).";
        }

        if (Outside(d.MaxLeaseTime, TimeSpan.FromSeconds(1), TimeSpan.FromDays(1)))
        {
            yield return $"{path}:MaxLeaseTime must be between 00:00:01 and 1.00:00:00 (it was {d.MaxLeaseTime}).";
        }

        if (Outside(d.LeaseTime, TimeSpan.FromSeconds(1), d.MaxLeaseTime))
        {
            yield return $"{path}:LeaseTime must be between 00:00:01 and MaxLeaseTime ({d.MaxLeaseTime}) (it was {d.LeaseTime}).";
        }

        if (d.HandlerConcurrency is < 1 or > 10_000)
        {
            yield return $"{path}:HandlerConcurrency must be between 1 and 10000 (it was {d.HandlerConcurrency}).";
        }

        if (d.MaxConcurrency is < 1 or > 1_000_000)
        {
            yield return $"{path}:MaxConcurrency must be between 1 and 1000000, or left out for no cap (it was {d.MaxConcurrency}).";
        }

        if (d.RateLimitPolicy is { } policy && string.IsNullOrWhiteSpace(policy))
        {
            yield return $"{path}:RateLimitPolicy must name an OrleansRedis:RateLimits policy, or be left out (it was '{policy}').";
        }
        else if (d.RateLimitPolicy is { } named && policyExists is not null && !policyExists(named))
        {
            yield return $"{path}:RateLimitPolicy must name a policy of OrleansRedis:RateLimits:Policies, or be left out (there is no policy '{named}').";
        }

        if (Outside(d.Retention, TimeSpan.FromSeconds(1), TimeSpan.FromDays(30)))
        {
            yield return $"{path}:Retention must be between 00:00:01 and 30.00:00:00 (it was {d.Retention}).";
        }

        if (Outside(d.DeadRetention, TimeSpan.FromSeconds(1), TimeSpan.FromDays(365)))
        {
            yield return $"{path}:DeadRetention must be between 00:00:01 and 365.00:00:00 (it was {d.DeadRetention}).";
        }

        if (d.MaxDead is < 1 or > 10_000_000)
        {
            yield return $"{path}:MaxDead must be between 1 and 10000000 (it was {d.MaxDead}).";
        }

        if (Outside(d.IdempotencyWindow, TimeSpan.FromSeconds(1), TimeSpan.FromDays(30)))
        {
            yield return $"{path}:IdempotencyWindow must be between 00:00:01 and 30.00:00:00 (it was {d.IdempotencyWindow}).";
        }

        if (Outside(d.ScheduleCatchUp, TimeSpan.Zero, TimeSpan.FromDays(1)))
        {
            yield return $"{path}:ScheduleCatchUp must be between 00:00:00 and 1.00:00:00 (it was {d.ScheduleCatchUp}).";
        }
    }

    private static bool Outside(TimeSpan value, TimeSpan min, TimeSpan max) => value < min || value > max;
}
