using Microsoft.Extensions.DependencyInjection;

namespace OrleansRedis.Grains.Queues;

/// <summary>The services the queue grains use, registered once.</summary>
internal static class QueueServices
{
    public static void Add(IServiceCollection services)
    {
        // Filled in with the store, metrics and keeper.
        _ = services;
    }
}
