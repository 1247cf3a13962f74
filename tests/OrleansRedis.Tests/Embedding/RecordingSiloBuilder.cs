using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace OrleansRedis.Tests.Embedding;

/// <summary>An <see cref="ISiloBuilder"/> over a bare service collection, to see what a registration adds.</summary>
/// <param name="configuration">The silo's configuration.</param>
public sealed class RecordingSiloBuilder(IConfiguration configuration) : ISiloBuilder
{
    /// <inheritdoc />
    public IServiceCollection Services { get; } = new ServiceCollection();

    /// <inheritdoc />
    public IConfiguration Configuration { get; } = configuration;
}
