using OrleansRedis.Abstractions.Configuration;

namespace OrleansRedis.AspNetCore.Options;

/// <summary>Validates <see cref="AdminSettings"/> (<c>OrleansRedis:Admin</c>).</summary>
public sealed class AdminSettingsValidator : SettingsValidator<AdminSettings>
{
    /// <inheritdoc />
    protected override IEnumerable<string> Check(AdminSettings options) => Errors(options);

    /// <summary>Lists every problem of <paramref name="settings"/>, each naming its setting.</summary>
    public static IEnumerable<string> Errors(AdminSettings settings)
    {
        ArgumentNullException.ThrowIfNull(settings);
        if (settings.ApiKey is { Length: > 0 and < AdminSettings.MinimumKeyLength })
        {
            yield return $"{AdminSettings.SectionName}:ApiKey must be at least {AdminSettings.MinimumKeyLength} characters long.";
        }
    }
}
