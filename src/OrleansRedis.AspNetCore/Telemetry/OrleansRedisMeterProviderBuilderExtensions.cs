using OrleansRedis.Abstractions.Diagnostics;

namespace OpenTelemetry.Metrics;

/// <summary>Registers the project's meters with OpenTelemetry metrics.</summary>
public static class OrleansRedisMeterProviderBuilderExtensions
{
    /// <summary>
    /// Adds every OrleansRedis meter; they are named like the activity sources (<c>OrleansRedis.Locks</c>...,
    /// <see cref="OrleansRedisActivitySources.Names"/>).
    /// </summary>
    public static MeterProviderBuilder AddOrleansRedisInstrumentation(this MeterProviderBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        return builder.AddMeter([.. OrleansRedisActivitySources.Names]);
    }
}
