using System.Diagnostics;
using System.Globalization;
using HdrHistogram;
using Microsoft.Extensions.Caching.Hybrid;
using Microsoft.Extensions.Caching.StackExchangeRedis;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using OrleansRedis.Abstractions.Users;
using OrleansRedis.Bench.Harness;
using OrleansRedis.Client.Caching;
using OrleansRedis.Client.Hosting;
using OrleansRedis.Client.Users;
using ZiggyCreatures.Caching.Fusion;
using ZiggyCreatures.Caching.Fusion.Serialization.SystemTextJson;

namespace OrleansRedis.Bench.Scenarios;

/// <summary>
/// Cache-aside side by side on the same Redis and the same SQLite database: the user grain through external Orleans
/// clients (without and with the client near cache), HybridCache with a Redis L2, and FusionCache with a Redis L2. Each is used from 3 app instances (3
/// separate clients or caches with their own DI containers and Redis connections, inside the benchmark process).
/// Measures hot reads (ops/s, p50/p99) and the database queries caused by 64 concurrent cold reads per key over
/// 1000 keys.
/// </summary>
public sealed class UserCacheScenario : IBenchmarkScenario
{
    private const int Keys = 1000;
    private const int AppInstances = 3;
    private const int ReadsPerColdKey = 64;
    private const int ColdKeysAtOnce = 8;
    private static readonly TimeSpan Ttl = TimeSpan.FromHours(1);
    private static readonly TimeSpan NearCacheTtl = TimeSpan.FromSeconds(1);

    /// <inheritdoc />
    public string Name => "users";

    /// <inheritdoc />
    public async Task<IReadOnlyList<BenchResult>> RunAsync(BenchEnvironment environment, BenchSettings settings)
    {
        var run = Guid.NewGuid().ToString("N")[..8];
        var database = new UserBenchDatabase();
        var resources = new List<IAsyncDisposable>();
        try
        {
            var clients = await ClientFactoriesAsync(environment, resources);
            var peers = new[]
            {
                GrainPeer(environment, clients),
                NearCachePeer(environment, clients),
                HybridCachePeer(environment, database, run, resources),
                await OrleansRedisHybridCachePeerAsync(environment, clients, database, run, resources),
                FusionCachePeer(environment, database, run, resources),
            };
            var results = new List<BenchResult>();
            var hot = await database.InsertAsync($"hot-{run}", Keys);
            foreach (var peer in peers)
            {
                foreach (var instance in peer.Instances)
                {
                    await Parallel.ForEachAsync(hot, new ParallelOptions { MaxDegreeOfParallelism = 32 }, async (id, _) => await instance(id));
                }

                results.Add(await LoadRunner.RunAsync("user-hot-read", peer.Name, settings.Workers, settings.Duration,
                    (worker, sequence) => peer.Instances[worker % AppInstances](hot[(int)((worker * 7919 + sequence) % Keys)]),
                    $"{AppInstances} app instances"));
            }

            // The same grain from one client: next to probe-read, it separates the grain's cost from the clients'.
            results.Add(await LoadRunner.RunAsync("user-hot-read", "user grain (1 external client)", settings.Workers, settings.Duration,
                (worker, sequence) => environment.Grains.GetGrain<IUserGrain>(hot[(int)((worker * 7919 + sequence) % Keys)]).GetAsync(),
                "1 app instance"));

            for (var i = 0; i < peers.Length; i++)
            {
                results.Add(await ColdStampedeAsync(peers[i], await database.InsertAsync($"cold{i}-{run}", Keys)));
            }

            return results;
        }
        finally
        {
            foreach (var resource in resources)
            {
                await resource.DisposeAsync();
            }
        }
    }

    private static async Task<BenchResult> ColdStampedeAsync(UserCachePeer peer, IReadOnlyList<string> keys)
    {
        var before = await peer.DatabaseQueriesAsync();
        var histogram = new LongConcurrentHistogram(1, TimeStamp.Seconds(60), 3);
        long missing = 0;
        var cpuBefore = CpuMeter.Read();
        var clock = Stopwatch.StartNew();
        await Parallel.ForEachAsync(keys, new ParallelOptions { MaxDegreeOfParallelism = ColdKeysAtOnce }, async (key, _) =>
            await Task.WhenAll(Enumerable.Range(0, ReadsPerColdKey).Select(async i =>
            {
                var start = Stopwatch.GetTimestamp();
                if (await peer.Instances[i % AppInstances](key) is null)
                {
                    Interlocked.Increment(ref missing);
                }

                histogram.RecordValue(Stopwatch.GetTimestamp() - start);
            })));
        var elapsed = clock.Elapsed.TotalSeconds;
        var cpu = cpuBefore.Until(CpuMeter.Read());
        var queries = await peer.DatabaseQueriesAsync() - before;
        var operations = (long)keys.Count * ReadsPerColdKey;
        var notes = string.Create(CultureInfo.InvariantCulture,
            $"db queries={queries} for {keys.Count} keys ({queries / (double)keys.Count:0.00} per key; target 1); {ReadsPerColdKey} reads per key from {AppInstances} app instances{(missing > 0 ? $"; missing={missing}" : "")}");
        return new BenchResult("user-cold-stampede", peer.Name, operations, operations / elapsed,
            Micros(histogram, 50), Micros(histogram, 99), Micros(histogram, 99.9), notes)
        {
            Cpu = CpuPerOperation.From(cpu, operations),
        };
    }

    private static async Task<IReadOnlyList<IGrainFactory>> ClientFactoriesAsync(BenchEnvironment environment, List<IAsyncDisposable> resources)
    {
        var factories = new List<IGrainFactory> { environment.Grains };
        for (var i = 1; i < AppInstances; i++)
        {
            var builder = Host.CreateApplicationBuilder();
            builder.Logging.ClearProviders();
            builder.Services.AddOrleansRedisClient(options =>
            {
                options.RedisState = environment.RedisConnectionString;
                options.ClusterId = environment.ClusterId;
                options.ServiceId = environment.ServiceId;
            });
            var host = builder.Build();
            await host.StartAsync();
            resources.Add(new HostResource(host));
            factories.Add(host.Services.GetRequiredService<IGrainFactory>());
        }

        return factories;
    }

    private static UserCachePeer GrainPeer(BenchEnvironment environment, IReadOnlyList<IGrainFactory> factories) =>
        new("user grain (external clients)",
            factories.Select(f => (Func<string, Task<UserRecord?>>)(async id => (await f.GetGrain<IUserGrain>(id).GetAsync()).User)).ToList(),
            () => SiloDatabaseReadsAsync(environment));

    // The same clients, each with its own UserNearCache: in-process hits like HybridCache's local cache, with the grain
    // as the one loader behind them.
    private static UserCachePeer NearCachePeer(BenchEnvironment environment, IReadOnlyList<IGrainFactory> factories) =>
        new($"user grain + client near cache ({NearCacheTtl.TotalSeconds:0} s)",
            factories.Select(f => UserNearCache.Create(f, new UserNearCacheOptions { NearCacheTtl = NearCacheTtl }))
                .Select(cache => (Func<string, Task<UserRecord?>>)(async id => (await cache.GetAsync(id)).User)).ToList(),
            () => SiloDatabaseReadsAsync(environment));

    private static UserCachePeer HybridCachePeer(BenchEnvironment environment, UserBenchDatabase database, string run, List<IAsyncDisposable> resources)
    {
        var instances = new List<Func<string, Task<UserRecord?>>>();
        for (var i = 0; i < AppInstances; i++)
        {
            var services = new ServiceCollection();
            services.AddStackExchangeRedisCache(options =>
            {
                options.Configuration = environment.RedisConnectionString;
                options.InstanceName = $"hybrid-{run}:";
            });
            services.AddHybridCache(options => options.DefaultEntryOptions = new HybridCacheEntryOptions { Expiration = Ttl, LocalCacheExpiration = Ttl });
            var provider = services.BuildServiceProvider();
            resources.Add(provider);
            var cache = provider.GetRequiredService<HybridCache>();
            instances.Add(id => cache.GetOrCreateAsync(
                $"user:{id}", (database, id), static (state, token) => new ValueTask<UserRecord?>(state.database.LoadAsync(state.id, token))).AsTask());
        }

        return new UserCachePeer("HybridCache + Redis L2", instances, () => Task.FromResult(database.Reads));
    }

    // HybridCache's abstraction over the grains: the same factory as HybridCachePeer's, run once per key cluster-wide.
    private static async Task<UserCachePeer> OrleansRedisHybridCachePeerAsync(
        BenchEnvironment environment, IReadOnlyList<IGrainFactory> factories, UserBenchDatabase database, string run, List<IAsyncDisposable> resources)
    {
        var instances = new List<Func<string, Task<UserRecord?>>>();
        foreach (var factory in factories)
        {
            var provider = new ServiceCollection().BuildServiceProvider();
            var cache = new OrleansRedisHybridCache(factory, provider, Options.Create(new OrleansRedisHybridCacheOptions
            {
                Name = $"bench-{run}",
                Redis = environment.Redis.ConnectionString,
                DefaultExpiration = Ttl,
                DefaultLocalCacheExpiration = Ttl,
            }), TimeProvider.System);
            resources.Add(cache);
            resources.Add(provider);
            while (!cache.IsListening)
            {
                await Task.Delay(50);
            }

            instances.Add(id => cache.GetOrCreateAsync(
                $"user:{id}", (database, id), static (state, token) => new ValueTask<UserRecord?>(state.database.LoadAsync(state.id, token))).AsTask());
        }

        return new UserCachePeer("OrleansRedisHybridCache", instances, () => Task.FromResult(database.Reads));
    }

    private static UserCachePeer FusionCachePeer(BenchEnvironment environment, UserBenchDatabase database, string run, List<IAsyncDisposable> resources)
    {
        var instances = new List<Func<string, Task<UserRecord?>>>();
        for (var i = 0; i < AppInstances; i++)
        {
            var services = new ServiceCollection();
            services.AddFusionCache()
                .WithDefaultEntryOptions(new FusionCacheEntryOptions { Duration = Ttl })
                .WithSerializer(new FusionCacheSystemTextJsonSerializer())
                .WithDistributedCache(new RedisCache(Options.Create(new RedisCacheOptions
                {
                    Configuration = environment.RedisConnectionString,
                    InstanceName = $"fusion-{run}:",
                })));
            var provider = services.BuildServiceProvider();
            resources.Add(provider);
            var cache = provider.GetRequiredService<IFusionCache>();
            instances.Add(id => cache.GetOrSetAsync<UserRecord?>($"user:{id}", token => database.LoadAsync(id, token)).AsTask());
        }

        return new UserCachePeer("FusionCache + Redis L2", instances, () => Task.FromResult(database.Reads));
    }

    /// <summary>Sums the silos' <c>get</c> queries from their Prometheus metrics, once the count has settled.</summary>
    private static async Task<long> SiloDatabaseReadsAsync(BenchEnvironment environment)
    {
        long previous = -1;
        for (var attempt = 0; attempt < 20; attempt++)
        {
            long total = 0;
            foreach (var silo in environment.Silos)
            {
                var text = await silo.Http.GetStringAsync("/metrics");
                total += text.Split('\n')
                    .Where(l => l.StartsWith("orleansredis_users_database_queries_total{", StringComparison.Ordinal) && l.Contains("operation=\"get\"", StringComparison.Ordinal))
                    .Sum(l => (long)double.Parse(l[(l.LastIndexOf('}') + 1)..].Trim().Split(' ')[0], CultureInfo.InvariantCulture));
            }

            if (total == previous)
            {
                return total;
            }

            previous = total;
            await Task.Delay(TimeSpan.FromMilliseconds(500)); // the exporter caches scrapes briefly; wait for two equal reads
        }

        return previous;
    }

    private static double Micros(HistogramBase histogram, double percentile) =>
        histogram.TotalCount == 0 ? 0 : histogram.GetValueAtPercentile(percentile) * 1_000_000.0 / Stopwatch.Frequency;

    private sealed class HostResource(IHost host) : IAsyncDisposable
    {
        public async ValueTask DisposeAsync()
        {
            await host.StopAsync();
            host.Dispose();
        }
    }
}
