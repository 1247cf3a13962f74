using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;

namespace OrleansRedis.Abstractions.Configuration;

/// <summary>The one way the project registers an options class: configuration first, code after, validated on start.</summary>
public static class SettingsServiceCollectionExtensions
{
    /// <summary>
    /// Registers <typeparamref name="TOptions"/>: bound from the section <paramref name="sectionPath"/> of
    /// <paramref name="configuration"/> through <see cref="SettingsBinder"/> (once, however often this is called, and
    /// before every delegate), then <paramref name="configure"/> (appended: each call's delegate runs after the earlier
    /// ones), validated by <typeparamref name="TValidator"/> on start. The configuration is the first one handed in; a
    /// call without one (<see langword="null"/>) only adds its delegate. With <paramref name="rejectUnknownKeys"/>, a
    /// key that matches no setting is reported as a problem.
    /// </summary>
    /// <returns>The options builder, for further configuration.</returns>
    public static OptionsBuilder<TOptions> AddSettings<TOptions, TValidator>(
        this IServiceCollection services,
        IConfiguration? configuration,
        string sectionPath,
        Action<TOptions>? configure = null,
        bool rejectUnknownKeys = false)
        where TOptions : class
        where TValidator : class, IValidateOptions<TOptions>
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentException.ThrowIfNullOrWhiteSpace(sectionPath);
        var options = services.AddOptions<TOptions>();
        var source = services.FirstOrDefault(d => d.ServiceType == typeof(SettingsSource<TOptions>))?.ImplementationInstance as SettingsSource<TOptions>;
        if (source is null)
        {
            // The binding is registered on the first call, so it runs before the delegate of this and every later call.
            source = new SettingsSource<TOptions>(sectionPath, rejectUnknownKeys);
            services.AddSingleton(source);
            options.Configure(source.Bind).ValidateOnStart();
            services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<TOptions>, TValidator>());
        }

        source.Configuration ??= configuration;
        if (configure is not null)
        {
            options.Configure(configure);
        }

        return options;
    }
}
