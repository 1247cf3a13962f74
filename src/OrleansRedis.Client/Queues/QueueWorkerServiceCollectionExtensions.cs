using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using OrleansRedis.Abstractions.Queues;

namespace OrleansRedis.Client.Queues;

/// <summary>Registers the queue client and queue workers in a client app (next to <c>AddOrleansRedisClient</c>).</summary>
public static class QueueWorkerServiceCollectionExtensions
{
    /// <summary>Adds <see cref="QueueClient"/> (also added by <c>AddOrleansRedisClient</c>).</summary>
    public static IServiceCollection AddOrleansRedisQueueClient(this IServiceCollection services)
    {
        services.TryAddSingleton<QueueClient>();
        return services;
    }

    /// <summary>
    /// Runs <paramref name="handler"/> on the jobs of <paramref name="queue"/> as a hosted <see cref="QueueWorker"/>
    /// configured by <paramref name="configure"/> (validated on start). Returning completes a job with the returned
    /// JSON result (or none); throwing fails the attempt. Register it after <c>AddOrleansRedisClient</c>, so that on
    /// shutdown the worker stops (and reports its jobs) before the cluster client does.
    /// </summary>
    /// <exception cref="ArgumentException"><paramref name="queue"/> cannot be a queue's name.</exception>
    /// <exception cref="InvalidOperationException">A worker of <paramref name="queue"/> is registered already.</exception>
    public static IServiceCollection AddOrleansRedisQueueWorker(
        this IServiceCollection services,
        string queue,
        Action<QueueWorkerOptions>? configure,
        Func<QueueJobContext, CancellationToken, Task<string?>> handler)
    {
        ArgumentNullException.ThrowIfNull(handler);
        return services.AddQueueWorker(queue, configure, _ => handler);
    }

    /// <summary>Like the overload with a result, for a handler that completes jobs without one.</summary>
    public static IServiceCollection AddOrleansRedisQueueWorker(
        this IServiceCollection services,
        string queue,
        Action<QueueWorkerOptions>? configure,
        Func<QueueJobContext, CancellationToken, Task> handler)
    {
        ArgumentNullException.ThrowIfNull(handler);
        return services.AddQueueWorker(queue, configure, _ => async (context, cancellationToken) =>
        {
            await handler(context, cancellationToken).ConfigureAwait(false);
            return null;
        });
    }

    /// <summary>
    /// Runs <typeparamref name="THandler"/> (the interface of in-silo handlers, resolved from a new DI scope per job) on
    /// the jobs of <paramref name="queue"/> as a hosted <see cref="QueueWorker"/>.
    /// </summary>
    public static IServiceCollection AddOrleansRedisQueueWorker<THandler>(
        this IServiceCollection services, string queue, Action<QueueWorkerOptions>? configure = null)
        where THandler : class, IQueueJobHandler
    {
        services.TryAddTransient<THandler>();
        return services.AddQueueWorker(queue, configure, provider => async (context, cancellationToken) =>
        {
            await using var scope = provider.CreateAsyncScope();
            return await scope.ServiceProvider.GetRequiredService<THandler>().HandleAsync(context, cancellationToken).ConfigureAwait(false);
        });
    }

    /// <summary>Returns <paramref name="queue"/> when it can be a queue's name.</summary>
    /// <exception cref="ArgumentException">It cannot.</exception>
    internal static string CheckQueueName(string queue) => QueueLimits.IsValidQueueName(queue)
        ? queue
        : throw new ArgumentException(
            $"A queue name of 1-{QueueLimits.MaxQueueNameLength} characters of ASCII letters, digits, '.', '_' or '-' is required.", nameof(queue));

    private static IServiceCollection AddQueueWorker(
        this IServiceCollection services,
        string queue,
        Action<QueueWorkerOptions>? configure,
        Func<IServiceProvider, Func<QueueJobContext, CancellationToken, Task<string?>>> handler)
    {
        ArgumentNullException.ThrowIfNull(services);
        CheckQueueName(queue);
        if (services.Any(d => d.ServiceType == typeof(QueueWorkerRegistration) && d.ImplementationInstance is QueueWorkerRegistration r
            && string.Equals(r.Queue, queue, StringComparison.OrdinalIgnoreCase)))
        {
            throw new InvalidOperationException($"A worker of queue '{queue}' is registered already; raise its Concurrency instead.");
        }

        services.AddSingleton(new QueueWorkerRegistration(queue));
        services.AddOrleansRedisQueueClient();
        services.TryAddSingleton(TimeProvider.System);
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<QueueWorkerOptions>, QueueWorkerOptionsValidator>());
        var options = services.AddOptions<QueueWorkerOptions>(queue).Configure(o => o.Queue = queue);
        if (configure is not null)
        {
            options.Configure(configure);
        }

        options.ValidateOnStart();
        services.AddSingleton<IHostedService>(provider => new QueueWorker(
            provider.GetRequiredService<IGrainFactory>(),
            provider.GetRequiredService<IOptionsMonitor<QueueWorkerOptions>>().Get(queue),
            handler(provider),
            provider.GetRequiredService<TimeProvider>(),
            provider.GetRequiredService<ILoggerFactory>().CreateLogger<QueueWorker>(),
            provider.GetService<IHostApplicationLifetime>()));
        return services;
    }

    /// <summary>Marks a queue as served by a worker of this process.</summary>
    private sealed record QueueWorkerRegistration(string Queue);
}
