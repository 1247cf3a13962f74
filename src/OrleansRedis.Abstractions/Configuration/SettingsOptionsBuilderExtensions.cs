using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Options;

namespace OrleansRedis.Abstractions.Configuration;

/// <summary>Binds options through <see cref="SettingsBinder"/> instead of <c>OptionsBuilder.Bind</c>.</summary>
public static class SettingsOptionsBuilderExtensions
{
    /// <summary>
    /// Binds the section <paramref name="sectionPath"/> of <paramref name="configuration"/> onto the options, keeping
    /// unreadable values (and, with <paramref name="rejectUnknownKeys"/>, unknown keys) for the options'
    /// <see cref="SettingsValidator{TOptions}"/> instead of throwing.
    /// </summary>
    public static OptionsBuilder<TOptions> BindSettings<TOptions>(
        this OptionsBuilder<TOptions> builder, IConfiguration configuration, string sectionPath, bool rejectUnknownKeys = false)
        where TOptions : class
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentNullException.ThrowIfNull(configuration);
        var section = configuration.GetSection(sectionPath);
        return builder.Configure(options => SettingsBinder.Bind(section, options, rejectUnknownKeys));
    }
}
