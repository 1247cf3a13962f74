using Microsoft.Extensions.Options;
using OrleansRedis.Abstractions.Configuration;

namespace OrleansRedis.Client.Users;

/// <summary>Validates <see cref="UserNearCacheOptions"/>, naming each bad setting.</summary>
public sealed class UserNearCacheOptionsValidator : SettingsValidator<UserNearCacheOptions>
{
    /// <summary>The longest <see cref="UserNearCacheOptions.NearCacheTtl"/> allowed.</summary>
    public static readonly TimeSpan MaxNearCacheTtl = TimeSpan.FromMinutes(1);

    /// <summary>The largest <see cref="UserNearCacheOptions.MaxEntries"/> allowed.</summary>
    public const int MaxEntriesLimit = 10_000_000;

    /// <inheritdoc />
    protected override IEnumerable<string> Check(UserNearCacheOptions options) => Errors(options);

    /// <summary>Lists every problem in <paramref name="options"/>.</summary>
    public static IEnumerable<string> Errors(UserNearCacheOptions options)
    {
        const string Section = UserNearCacheOptions.SectionName;
        if (options.NearCacheTtl < TimeSpan.Zero || options.NearCacheTtl > MaxNearCacheTtl)
        {
            yield return $"{Section}:NearCacheTtl must be between 00:00:00 (off) and {MaxNearCacheTtl} (it was {options.NearCacheTtl}).";
        }

        if (options.MaxEntries < 1 || options.MaxEntries > MaxEntriesLimit)
        {
            yield return $"{Section}:MaxEntries must be between 1 and {MaxEntriesLimit} (it was {options.MaxEntries}).";
        }
    }
}
