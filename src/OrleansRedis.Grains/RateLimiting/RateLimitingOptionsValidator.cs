using Microsoft.Extensions.Options;
using OrleansRedis.Abstractions.Configuration;
using OrleansRedis.Abstractions.RateLimiting;
using OrleansRedis.Redis.RateLimiting;

namespace OrleansRedis.Grains.RateLimiting;

/// <summary>Validates <see cref="RateLimitingOptions"/> with messages that name the setting.</summary>
public sealed class RateLimitingOptionsValidator : SettingsValidator<RateLimitingOptions>
{
    /// <summary>The largest limit of a sliding-log policy: the log holds one sorted-set entry per unit.</summary>
    public const long MaxSlidingLogLimit = 100_000;

    /// <summary>The largest <see cref="RateLimitingOptions.MaxBatchSize"/>.</summary>
    public const int MaxBatchSizeLimit = 10_000;

    /// <inheritdoc />
    protected override IEnumerable<string> Check(RateLimitingOptions options) => Errors(options);

    /// <summary>Lists every problem in <paramref name="options"/>, each naming its setting.</summary>
    public static IEnumerable<string> Errors(RateLimitingOptions options)
    {
        const string Section = RateLimitingOptions.SectionName;
        if (TimeoutError(options.DecisionTimeout) is { } timeoutError)
        {
            yield return $"{Section}:DecisionTimeout {timeoutError}";
        }

        if (options.MaxBatchSize is < 1 or > MaxBatchSizeLimit)
        {
            yield return $"{Section}:MaxBatchSize must be between 1 and {MaxBatchSizeLimit} (it was {options.MaxBatchSize}).";
        }

        if (options.ExhaustedCacheDuration < TimeSpan.Zero || options.ExhaustedCacheDuration > TimeSpan.FromMinutes(1))
        {
            yield return $"{Section}:ExhaustedCacheDuration must be between 00:00:00 and 00:01:00 (it was {options.ExhaustedCacheDuration}).";
        }

        foreach (var (name, policy) in options.Policies)
        {
            var path = $"{Section}:Policies:{name}";
            if (RateLimitKey.PolicyError(name) is not null)
            {
                yield return $"{path}: the policy name must be 1-{RateLimitKey.MaxPolicyLength} characters of letters, digits, '.', '_' or '-'.";
            }

            if (!Enum.IsDefined(policy.Algorithm))
            {
                yield return $"{path}:Algorithm must be one of {string.Join(", ", Enum.GetNames<RateLimitAlgorithm>())} (it was {policy.Algorithm}).";
            }

            var maxLimit = policy.Algorithm == RateLimitAlgorithm.SlidingLog ? MaxSlidingLogLimit : RateLimitStore.MaxLimit;
            if (policy.Limit < 1 || policy.Limit > maxLimit)
            {
                yield return policy.Limit == 0
                    ? $"{path}:Limit is required: the units a subject may spend per window, from 1 to {maxLimit}."
                    : $"{path}:Limit must be between 1 and {maxLimit} for {policy.Algorithm} (it was {policy.Limit}).";
            }

            if (policy.Window == TimeSpan.Zero)
            {
                yield return $"{path}:Window is required: the window the limit applies to, e.g. 00:00:10.";
            }
            else if (policy.Window < TimeSpan.FromMilliseconds(1) || policy.Window > RateLimitStore.MaxWindow)
            {
                yield return $"{path}:Window must be between 00:00:00.001 and {RateLimitStore.MaxWindow:c} (it was {policy.Window}).";
            }

            if (!Enum.IsDefined(policy.FailureMode))
            {
                yield return $"{path}:FailureMode must be one of {string.Join(", ", Enum.GetNames<RateLimitFailureMode>())} (it was {policy.FailureMode}).";
            }

            if (policy.DecisionTimeout is { } decisionTimeout && TimeoutError(decisionTimeout) is { } policyTimeoutError)
            {
                yield return $"{path}:DecisionTimeout {policyTimeoutError}";
            }
        }
    }

    private static string? TimeoutError(TimeSpan timeout) =>
        timeout <= TimeSpan.Zero || timeout > RateLimitingOptions.MaxDecisionTimeout
            ? $"must be greater than 0 and at most {RateLimitingOptions.MaxDecisionTimeout:c} (it was {timeout})."
            : null;
}
