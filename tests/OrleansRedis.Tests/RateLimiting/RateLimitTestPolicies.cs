namespace OrleansRedis.Tests.RateLimiting;

/// <summary>
/// The policies the rate-limit tests run against, as configuration keys. Per algorithm prefix (<c>log</c>,
/// <c>counter</c>, <c>gcra</c>): <c>-burst</c> (20 per 5 min: a concurrent burst ends long before the token bucket
/// drips another unit), <c>-short</c> (3 per 1 s: windows that pass within a test) and <c>-durable</c> (20 per 5 min,
/// for survival tests); <c>log-exact</c> (3 per 3 s). <c>open</c> and <c>closed</c> decide by their failure mode after 300 ms. Exactness policies
/// fail closed with a 10 s bound, so a slow machine can never turn into an extra admission.
/// </summary>
public static class RateLimitTestPolicies
{
    /// <summary>The algorithm prefixes and the algorithm each stands for.</summary>
    public static readonly IReadOnlyDictionary<string, string> Algorithms = new Dictionary<string, string>
    {
        ["log"] = "SlidingLog",
        ["counter"] = "SlidingWindowCounter",
        ["gcra"] = "TokenBucket",
    };

    /// <summary>Gets the policies as configuration keys (<c>OrleansRedis:RateLimits:Policies:...</c>).</summary>
    public static IReadOnlyDictionary<string, string> Configuration { get; } = Build();

    /// <summary>Gets the policies as environment variables for a silo process.</summary>
    public static IReadOnlyDictionary<string, string> Environment { get; } =
        Configuration.ToDictionary(pair => pair.Key.Replace(":", "__", StringComparison.Ordinal), pair => pair.Value);

    private static Dictionary<string, string> Build()
    {
        var settings = new Dictionary<string, string>();
        void Add(string name, string algorithm, int limit, string window, string failureMode, string timeout)
        {
            var prefix = $"OrleansRedis:RateLimits:Policies:{name}";
            settings[$"{prefix}:Algorithm"] = algorithm;
            settings[$"{prefix}:Limit"] = limit.ToString(System.Globalization.CultureInfo.InvariantCulture);
            settings[$"{prefix}:Window"] = window;
            settings[$"{prefix}:FailureMode"] = failureMode;
            settings[$"{prefix}:DecisionTimeout"] = timeout;
        }

        foreach (var (prefix, algorithm) in Algorithms)
        {
            Add($"{prefix}-burst", algorithm, 20, "00:05:00", "Closed", "00:00:10");
            Add($"{prefix}-short", algorithm, 3, "00:00:01", "Closed", "00:00:10");
            Add($"{prefix}-durable", algorithm, 20, "00:05:00", "Closed", "00:00:10");
        }

        Add("log-exact", "SlidingLog", 3, "00:00:03", "Closed", "00:00:10");
        Add("open", "SlidingLog", 5, "00:01:00", "Open", "00:00:00.300");
        Add("closed", "TokenBucket", 5, "00:01:00", "Closed", "00:00:00.300");
        return settings;
    }
}
