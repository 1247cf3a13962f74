using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using OrleansRedis.Redis.Queues;

namespace OrleansRedis.Grains.Queues;

/// <summary>The services the queue grains use, registered once.</summary>
internal static class QueueServices
{
    public static void Add(IServiceCollection services)
    {
        services.TryAddSingleton<QueueStore>();
        services.TryAddSingleton<QueueMetrics>();
        if (!services.Any(d => d.ServiceType == typeof(QueueKeeper)))
        {
            services.AddSingleton<QueueKeeper>();
            services.AddSingleton<ILifecycleParticipant<ISiloLifecycle>>(sp => sp.GetRequiredService<QueueKeeper>());
        }
    }
}
