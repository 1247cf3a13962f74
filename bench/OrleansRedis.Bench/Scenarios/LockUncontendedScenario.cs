using Medallion.Threading.Redis;
using OrleansRedis.Abstractions.Locks;
using OrleansRedis.Bench.Harness;

namespace OrleansRedis.Bench.Scenarios;

/// <summary>
/// Acquire + release of locks nobody else wants (each worker cycles through its own names): the lock grain through an
/// external client next to DistributedLock.Redis (madelson) straight on the same Redis.
/// </summary>
public sealed class LockUncontendedScenario : IBenchmarkScenario
{
    private const int NamesPerWorker = 16;
    private static readonly TimeSpan Lease = TimeSpan.FromSeconds(30);

    /// <inheritdoc />
    public string Name => "lock-uncontended";

    /// <inheritdoc />
    public async Task<IReadOnlyList<BenchResult>> RunAsync(BenchEnvironment environment, BenchSettings settings)
    {
        var database = environment.Direct.GetDatabase();
        var peer = await LoadRunner.RunAsync(Name, "DistributedLock.Redis 1.1.1 (direct)", settings.Workers, settings.Duration, async (worker, sequence) =>
        {
            var handle = await new RedisDistributedLock($"dl:uncontended:{worker}:{sequence % NamesPerWorker}", database, o => o.Expiry(Lease))
                .TryAcquireAsync() ?? throw new InvalidOperationException("an uncontended lock was held");
            await handle.DisposeAsync();
        });

        var grain = await LoadRunner.RunAsync(Name, "lock grain (external client)", settings.Workers, settings.Duration, async (worker, sequence) =>
        {
            var lockGrain = environment.Grains.GetGrain<ILockGrain>($"uncontended:{worker}:{sequence % NamesPerWorker}");
            var lease = (await lockGrain.AcquireAsync("bench", Lease, TimeSpan.Zero)).Lease
                ?? throw new InvalidOperationException("an uncontended lock was held");
            await lockGrain.ReleaseAsync(lease.Token);
        });
        return [peer, grain];
    }
}
