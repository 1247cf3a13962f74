using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using OrleansRedis.Abstractions.Configuration;
using OrleansRedis.Grains.Hosting;
using OrleansRedis.Redis.Realtime;

namespace OrleansRedis.Grains.Realtime;

/// <summary>Registers what topics, presence and notifications need on a silo.</summary>
public static class RealtimeServiceCollectionExtensions
{
    /// <summary>
    /// Adds the real-time options (bound from <c>OrleansRedis:Realtime</c> in <paramref name="configuration"/> when
    /// given, then <paramref name="configure"/>; validated on start), the topic and presence stores, the silo's topic
    /// relays (<see cref="TopicRelayHub"/>), the <c>OrleansRedis.Realtime</c> meter, the grain-backed
    /// <see cref="ITopicPublisher"/> the other capabilities notify users through, and what every capability shares.
    /// </summary>
    public static IServiceCollection AddOrleansRedisRealtime(
        this IServiceCollection services, IConfiguration? configuration, Action<RealtimeOptions>? configure = null)
    {
        services.AddOrleansRedisCore(configuration);
        services.AddSettings<RealtimeOptions, RealtimeOptionsValidator>(configuration, RealtimeOptions.SectionName, configure);
        services.AddMetrics();
        services.TryAddSingleton<TopicStore>();
        services.TryAddSingleton<PresenceStore>();
        services.TryAddSingleton<RealtimeMetrics>();
        services.TryAddSingleton<TopicRelayHub>();
        services.Replace(ServiceDescriptor.Singleton<ITopicPublisher, GrainTopicPublisher>());
        return services;
    }
}
