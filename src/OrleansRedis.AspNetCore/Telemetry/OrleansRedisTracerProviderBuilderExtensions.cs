using OrleansRedis.Abstractions.Diagnostics;

namespace OpenTelemetry.Trace;

/// <summary>Registers the project's activity sources with OpenTelemetry tracing.</summary>
public static class OrleansRedisTracerProviderBuilderExtensions
{
    /// <summary>
    /// Adds every OrleansRedis activity source (<see cref="OrleansRedisActivitySources.Names"/>): the capabilities'
    /// decision spans and the Redis script spans under them. Orleans' own spans come from its sources
    /// (<c>Microsoft.Orleans.Runtime</c>, <c>Microsoft.Orleans.Application</c>) once the silo and the client call
    /// <c>AddActivityPropagation()</c>.
    /// </summary>
    public static TracerProviderBuilder AddOrleansRedisInstrumentation(this TracerProviderBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        return builder.AddSource([.. OrleansRedisActivitySources.Names]);
    }
}
