using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using OrleansRedis.Abstractions.Configuration;
using OrleansRedis.Abstractions.Queues;
using OrleansRedis.Grains.Hosting;

namespace OrleansRedis.Grains.Queues;

/// <summary>Registers what the queue grains need on a silo.</summary>
public static class QueueServiceCollectionExtensions
{
    /// <summary>
    /// Adds the queue options (bound from <c>OrleansRedis:Queues</c> in <paramref name="configuration"/> when given,
    /// then <paramref name="configure"/>; validated on start, misspelt keys refused), the Redis queue store, the
    /// <c>OrleansRedis.Queues</c> meter, the keeper that keeps every defined queue's partitions and schedules active, and
    /// what every capability shares.
    /// </summary>
    public static IServiceCollection AddOrleansRedisQueues(
        this IServiceCollection services, IConfiguration? configuration, Action<QueueOptions>? configure = null)
    {
        services.AddOrleansRedisCore(configuration);
        services.AddSettings<QueueOptions, QueueOptionsValidator>(configuration, QueueOptions.SectionName, configure, rejectUnknownKeys: true);
        services.AddMetrics();
        QueueServices.Add(services);
        return services;
    }

    /// <summary>
    /// Runs the jobs of <paramref name="queue"/> in the silo with <typeparamref name="THandler"/> (resolved from DI per
    /// job, as a transient keyed service under the queue's name): the queue's partitions dispatch up to
    /// <c>HandlerConcurrency</c> jobs each to handler grains. External workers may lease from the same queue too.
    /// </summary>
    public static IServiceCollection AddOrleansRedisQueueHandler<THandler>(this IServiceCollection services, string queue)
        where THandler : class, IQueueJobHandler
    {
        ArgumentNullException.ThrowIfNull(services);
        if (!QueueLimits.IsValidQueueName(queue))
        {
            throw new ArgumentException($"A queue name of 1-{QueueLimits.MaxQueueNameLength} characters of ASCII letters, digits, '.', '_' or '-' is required.", nameof(queue));
        }

        services.AddKeyedTransient<IQueueJobHandler, THandler>(QueueHandlerRegistration.ServiceKey(queue));
        services.AddSingleton(new QueueHandlerRegistration(queue));
        return services;
    }
}
