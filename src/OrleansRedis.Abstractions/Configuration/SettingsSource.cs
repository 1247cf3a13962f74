using Microsoft.Extensions.Configuration;

namespace OrleansRedis.Abstractions.Configuration;

/// <summary>
/// Where one options class is bound from: kept in the container (one per options type) so that however often its
/// registration is called, the section is bound exactly once, before every code delegate.
/// </summary>
/// <typeparam name="TOptions">The options class.</typeparam>
internal sealed class SettingsSource<TOptions>(string sectionPath, bool rejectUnknownKeys)
    where TOptions : class
{
    /// <summary>Gets or sets the configuration to bind from: the first one a registration handed in.</summary>
    public IConfiguration? Configuration { get; set; }

    /// <summary>Binds the section onto <paramref name="options"/>, if a configuration was handed in.</summary>
    public void Bind(TOptions options)
    {
        if (Configuration is { } configuration)
        {
            SettingsBinder.Bind(configuration.GetSection(sectionPath), options, rejectUnknownKeys);
        }
    }
}
