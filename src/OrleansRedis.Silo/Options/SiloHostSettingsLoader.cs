using OrleansRedis.AspNetCore.Options;
using System.Net;
using System.Text.RegularExpressions;
using Microsoft.Extensions.Options;
using OrleansRedis.Abstractions.Configuration;
using OrleansRedis.Grains.Hosting;
using OrleansRedis.Redis;
using OrleansRedis.Silo.Hosting;

namespace OrleansRedis.Silo.Options;

/// <summary>
/// Binds and validates <see cref="SiloHostSettings"/> before the host is built: ports and ids shape the silo itself,
/// so they must be right before Orleans starts, and a wrong one must stop the process with a message naming it. It
/// binds through the same <see cref="SettingsBinder"/> as every option class, so a value of the wrong type reads
/// like every other problem.
/// </summary>
public static partial class SiloHostSettingsLoader
{
    /// <summary>
    /// Binds the settings and lists every problem found, the capabilities' settings included (rate limits, locks,
    /// sessions, users, membership timings), so that one start reports everything wrong at once; an empty list means
    /// the host can start.
    /// </summary>
    public static (SiloHostSettings Settings, IReadOnlyList<string> Errors) Load(IConfiguration configuration)
    {
        var settings = new SiloHostSettings();
        SettingsBinder.Bind(configuration.GetSection(SiloHostSettings.SectionName), settings);
        var errors = SettingsBinder.Report(settings, Validate(settings)).Concat(CapabilityErrors(configuration));
        return (settings, [.. errors.Distinct(StringComparer.Ordinal)]);
    }

    /// <summary>
    /// Runs the start-up validation of every option class the silo registers, without building the host: the same
    /// registrations and validators as at start, so the two can never disagree.
    /// </summary>
    public static IReadOnlyList<string> CapabilityErrors(IConfiguration configuration)
    {
        var services = new ServiceCollection();
        services.AddLogging();
        services.AddOrleansRedisCapabilities(configuration);
        using var provider = services.BuildServiceProvider();
        try
        {
            provider.GetService<IStartupValidator>()?.Validate();
            return [];
        }
        catch (Exception ex) when (ex.OptionsFailures() is { Count: > 0 } failures)
        {
            return failures;
        }
    }

    /// <summary>Lists every problem in <paramref name="settings"/>, each naming its setting.</summary>
    public static IEnumerable<string> Validate(SiloHostSettings settings)
    {
        foreach (var error in RedisOptionsValidator.Errors(settings.Redis))
        {
            yield return error;
        }

        const string Cluster = "OrleansRedis:Cluster";
        foreach (var (name, value) in new[] { ("ClusterId", settings.Cluster.ClusterId), ("ServiceId", settings.Cluster.ServiceId) })
        {
            if (string.IsNullOrWhiteSpace(value) || !IdPattern().IsMatch(value))
            {
                yield return $"{Cluster}:{name} must be 1-64 characters of letters, digits, '.', '_' or '-' (it was '{value}').";
            }
        }

        foreach (var (name, port) in new[]
                 {
                     ($"{Cluster}:SiloPort", settings.Cluster.SiloPort),
                     ($"{Cluster}:GatewayPort", settings.Cluster.GatewayPort),
                     ("OrleansRedis:Http:Port", settings.Http.Port),
                 })
        {
            if (port is < IPEndPoint.MinPort + 1 or > IPEndPoint.MaxPort)
            {
                yield return $"{name} must be between 1 and 65535 (it was {port}).";
            }
        }

        var ports = new[] { settings.Cluster.SiloPort, settings.Cluster.GatewayPort, settings.Http.Port };
        if (ports.Distinct().Count() != ports.Length)
        {
            yield return $"{Cluster}:SiloPort, {Cluster}:GatewayPort and OrleansRedis:Http:Port must all differ (they were {string.Join(", ", ports)}).";
        }

        if (string.IsNullOrWhiteSpace(settings.Cluster.AdvertisedIp))
        {
            yield return $"{Cluster}:AdvertisedIp is required: the IP address or host name other silos reach this silo at.";
        }

        if (!IPAddress.TryParse(settings.Http.Host, out _) && settings.Http.Host is not ("localhost" or "*"))
        {
            yield return $"OrleansRedis:Http:Host must be an IP address, 'localhost' or '*' (it was '{settings.Http.Host}').";
        }

        if (settings.Dashboard.CounterUpdateInterval < TimeSpan.FromSeconds(1) || settings.Dashboard.CounterUpdateInterval > TimeSpan.FromHours(1))
        {
            yield return $"OrleansRedis:Dashboard:CounterUpdateInterval must be between 00:00:01 and 01:00:00 (it was {settings.Dashboard.CounterUpdateInterval}).";
        }

        if (settings.Http.MaxRequestBodyBytes is < 1024 or > 100L * 1024 * 1024)
        {
            yield return $"OrleansRedis:Http:MaxRequestBodyBytes must be between 1024 and 104857600 (it was {settings.Http.MaxRequestBodyBytes}).";
        }

        foreach (var error in AdminSettingsValidator.Errors(settings.Admin))
        {
            yield return error;
        }
    }

    [GeneratedRegex("^[A-Za-z0-9._-]{1,64}$")]
    private static partial Regex IdPattern();
}
