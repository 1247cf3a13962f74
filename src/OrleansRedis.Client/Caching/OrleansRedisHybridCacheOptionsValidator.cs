using OrleansRedis.Abstractions.Caching;
using OrleansRedis.Abstractions.Configuration;

namespace OrleansRedis.Client.Caching;

/// <summary>Validates <see cref="OrleansRedisHybridCacheOptions"/>, naming each bad setting.</summary>
public sealed class OrleansRedisHybridCacheOptionsValidator : SettingsValidator<OrleansRedisHybridCacheOptions>
{
    /// <inheritdoc />
    protected override IEnumerable<string> Check(OrleansRedisHybridCacheOptions options)
    {
        const string Section = OrleansRedisHybridCacheOptions.SectionName;
        if (!CacheNames.IsValidName(options.Name))
        {
            yield return $"{Section}:Name must be 1-{CacheNames.MaxNameLength} ASCII letters, digits, '-', '_' or '.' (it was '{options.Name}').";
        }

        if (string.IsNullOrWhiteSpace(options.Redis))
        {
            yield return $"{Section}:Redis (or OrleansRedis:Redis:State) must name the Redis that carries evictions.";
        }

        if (options.DefaultExpiration < TimeSpan.FromMilliseconds(1))
        {
            yield return $"{Section}:DefaultExpiration must be at least 1 ms (it was {options.DefaultExpiration}).";
        }

        if (options.DefaultLocalCacheExpiration < TimeSpan.Zero)
        {
            yield return $"{Section}:DefaultLocalCacheExpiration must not be negative; 0 keeps nothing locally (it was {options.DefaultLocalCacheExpiration}).";
        }

        if (options.MaxLocalEntries < 1)
        {
            yield return $"{Section}:MaxLocalEntries must be at least 1 (it was {options.MaxLocalEntries}).";
        }

        if (options.MaximumPayloadBytes < 1)
        {
            yield return $"{Section}:MaximumPayloadBytes must be at least 1 (it was {options.MaximumPayloadBytes}).";
        }

        if (options.FactoryTimeout < TimeSpan.FromSeconds(1) || options.FactoryTimeout > TimeSpan.FromHours(1))
        {
            yield return $"{Section}:FactoryTimeout must be between 00:00:01 and 01:00:00 (it was {options.FactoryTimeout}).";
        }
    }
}
