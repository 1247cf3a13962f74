using System.Diagnostics.CodeAnalysis;
using Microsoft.Extensions.Options;

namespace OrleansRedis.Grains.RateLimiting;

/// <summary>The configured policies, resolved once at start (policies are read at start; change them with a restart).</summary>
public sealed class RateLimitPolicies
{
    private readonly Dictionary<string, RateLimitPolicy> _policies;

    public RateLimitPolicies(IOptions<RateLimitingOptions> options)
    {
        var value = options.Value;
        _policies = value.Policies.ToDictionary(
            pair => pair.Key,
            pair => new RateLimitPolicy(
                pair.Key, pair.Value.Algorithm, pair.Value.Limit, pair.Value.Window, pair.Value.FailureMode,
                pair.Value.DecisionTimeout ?? value.DecisionTimeout),
            StringComparer.OrdinalIgnoreCase);
        MaxBatchSize = value.MaxBatchSize;
        ExhaustedCacheDuration = value.ExhaustedCacheDuration;
    }

    /// <summary>Gets every policy.</summary>
    public IEnumerable<RateLimitPolicy> All => _policies.Values;

    /// <summary>Gets the most checks of one key sent to Redis in one script call.</summary>
    public int MaxBatchSize { get; }

    /// <summary>Gets how long a grain may deny on its own after Redis reported its key exhausted.</summary>
    public TimeSpan ExhaustedCacheDuration { get; }

    /// <summary>Finds the policy named <paramref name="name"/> (case-insensitive).</summary>
    public bool TryGet(string name, [NotNullWhen(true)] out RateLimitPolicy? policy) => _policies.TryGetValue(name, out policy);
}
