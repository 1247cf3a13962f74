using System.Globalization;
using Microsoft.Extensions.Configuration;
using OrleansRedis.Redis.RateLimiting;

namespace OrleansRedis.Grains.RateLimiting;

/// <summary>
/// Binds <see cref="RateLimitingOptions"/> from configuration by hand, so that every unreadable value (a misspelt
/// algorithm, a limit that is not a number, an unknown setting) is reported together and by its full name, instead of
/// the first one surfacing as a binder exception.
/// </summary>
public static class RateLimitingConfiguration
{
    private static readonly HashSet<string> SectionKeys = new(StringComparer.OrdinalIgnoreCase)
    {
        "Policies", nameof(RateLimitingOptions.DecisionTimeout), nameof(RateLimitingOptions.MaxBatchSize), nameof(RateLimitingOptions.ExhaustedCacheDuration),
    };

    private static readonly HashSet<string> PolicyKeys = new(StringComparer.OrdinalIgnoreCase)
    {
        nameof(RateLimitPolicyOptions.Algorithm), nameof(RateLimitPolicyOptions.Limit), nameof(RateLimitPolicyOptions.Window),
        nameof(RateLimitPolicyOptions.FailureMode), nameof(RateLimitPolicyOptions.DecisionTimeout),
    };

    /// <summary>Binds <paramref name="section"/> onto <paramref name="options"/>; returns every value that could not be read.</summary>
    public static IReadOnlyList<string> Bind(IConfigurationSection section, RateLimitingOptions options)
    {
        var errors = new List<string>();
        foreach (var child in section.GetChildren().Where(c => !SectionKeys.Contains(c.Key)))
        {
            errors.Add($"{child.Path} is not a rate-limit setting (known: {string.Join(", ", SectionKeys)}).");
        }

        ReadTimeSpan(section, nameof(RateLimitingOptions.DecisionTimeout), errors, value => options.DecisionTimeout = value);
        ReadTimeSpan(section, nameof(RateLimitingOptions.ExhaustedCacheDuration), errors, value => options.ExhaustedCacheDuration = value);
        Read(section, nameof(RateLimitingOptions.MaxBatchSize), errors, "a whole number",
            (string text, out int value) => int.TryParse(text, NumberStyles.Integer, CultureInfo.InvariantCulture, out value),
            value => options.MaxBatchSize = value);

        foreach (var policySection in section.GetSection("Policies").GetChildren())
        {
            var policy = options.Policies.TryGetValue(policySection.Key, out var existing) ? existing : new RateLimitPolicyOptions();
            options.Policies[policySection.Key] = policy;
            foreach (var child in policySection.GetChildren().Where(c => !PolicyKeys.Contains(c.Key)))
            {
                errors.Add($"{child.Path} is not a policy setting (known: {string.Join(", ", PolicyKeys)}).");
            }

            ReadEnum<RateLimitAlgorithm>(policySection, nameof(RateLimitPolicyOptions.Algorithm), errors, value => policy.Algorithm = value);
            ReadEnum<RateLimitFailureMode>(policySection, nameof(RateLimitPolicyOptions.FailureMode), errors, value => policy.FailureMode = value);
            ReadTimeSpan(policySection, nameof(RateLimitPolicyOptions.Window), errors, value => policy.Window = value);
            ReadTimeSpan(policySection, nameof(RateLimitPolicyOptions.DecisionTimeout), errors, value => policy.DecisionTimeout = value);
            Read(policySection, nameof(RateLimitPolicyOptions.Limit), errors, "a whole number",
                (string text, out long value) => long.TryParse(text, NumberStyles.Integer, CultureInfo.InvariantCulture, out value),
                value => policy.Limit = value);
        }

        return errors;
    }

    private delegate bool TryParse<T>(string text, out T value);

    private static void Read<T>(IConfigurationSection section, string key, List<string> errors, string expected, TryParse<T> parse, Action<T> assign)
    {
        var child = section.GetSection(key);
        if (child.Value is not { } text)
        {
            return;
        }

        if (parse(text.Trim(), out var value))
        {
            assign(value);
        }
        else
        {
            errors.Add($"{child.Path} must be {expected} (it was '{text}').");
        }
    }

    private static void ReadTimeSpan(IConfigurationSection section, string key, List<string> errors, Action<TimeSpan> assign) =>
        Read(section, key, errors, "a duration such as 00:00:10 (hh:mm:ss)",
            (string text, out TimeSpan value) => TimeSpan.TryParse(text, CultureInfo.InvariantCulture, out value),
            assign);

    private static void ReadEnum<T>(IConfigurationSection section, string key, List<string> errors, Action<T> assign)
        where T : struct, Enum =>
        Read(section, key, errors, $"one of {string.Join(", ", Enum.GetNames<T>())}",
            (string text, out T value) => Enum.TryParse(text, ignoreCase: true, out value) && Enum.IsDefined(value) && !char.IsAsciiDigit(text[0]) && text[0] != '-',
            assign);
}
