using System.Diagnostics;
using Microsoft.Extensions.Caching.Hybrid;
using Microsoft.Extensions.DependencyInjection;
using OrleansRedis.Client.Caching;

namespace OrleansRedis.LoadDriver.Scenarios;

/// <summary>
/// One app instance's <see cref="HybridCache"/>, registered as an app does (<c>AddOrleansRedisHybridCache</c> over this
/// process's Orleans client) and driven by commands, so that a test runs several such processes in step. Times are
/// <see cref="Stopwatch.GetTimestamp"/> ticks: CLOCK_MONOTONIC on Linux, one clock for every process of the machine.
/// <list type="bullet">
/// <item><c>stampede PREFIX KEYS CALLERS FACTORY_MS</c>: CALLERS calls of <c>GetOrCreateAsync</c> for each of the keys
/// PREFIX-0 .. PREFIX-(KEYS-1), waiting for <c>go</c>; prints <c>ARMED PREFIX</c>. The factory takes FACTORY_MS.</item>
/// <item><c>go PREFIX</c>: releases them at once; prints <c>GOT KEY COUNT VALUE</c> for each distinct value a key's
/// callers got, then <c>STAMPEDED PREFIX</c>.</item>
/// <item><c>hold KEY TAG</c>: reads KEY (tagged TAG) until a read is served by this node's own copy, with no
/// cache-entry grain call; prints <c>HELD KEY VALUE</c>, then reads KEY every millisecond and prints
/// <c>EVICTED KEY TICKS</c>, the start of the first read that no longer answers VALUE.</item>
/// <item><c>set KEY TAG</c>, <c>remove KEY TAG</c>, <c>removetag KEY TAG</c>: <c>SetAsync</c>, <c>RemoveAsync</c>,
/// <c>RemoveByTagAsync(TAG)</c>; prints <c>CHANGED KEY TICKS</c> once it has completed.</item>
/// </list>
/// Every factory run prints <c>FACTORY KEY VALUE</c>; each value is new (process id and a GUID).
/// </summary>
public sealed class HybridCacheScenario : IDriverScenario, IDriverCommands
{
    // Local copies that outlive any test: only a pushed eviction can end one.
    private static readonly HybridCacheEntryOptions LongLocal = new() { Expiration = TimeSpan.FromMinutes(10), LocalCacheExpiration = TimeSpan.FromMinutes(10) };

    private readonly HybridCache _cache;
    private readonly CacheEntryCalls _entryCalls;
    private readonly Ledger _ledger;
    private readonly Dictionary<string, TaskCompletionSource> _armed = new(StringComparer.Ordinal);

    private HybridCacheScenario(HybridCache cache, CacheEntryCalls entryCalls, Ledger ledger)
    {
        _cache = cache;
        _entryCalls = entryCalls;
        _ledger = ledger;
    }

    /// <summary>Registers the cache (named <paramref name="name"/>, evictions through <paramref name="redis"/>) and the grain call counter.</summary>
    public static void AddServices(IServiceCollection services, string redis, string name)
    {
        var calls = new CacheEntryCalls();
        services.AddSingleton(calls);
        services.AddSingleton<IOutgoingGrainCallFilter>(calls);
        services.AddOrleansRedisHybridCache(configure: o =>
        {
            o.Name = name;
            o.Redis = redis;
        });
    }

    /// <summary>Creates the scenario once the cache listens for evictions (until then it keeps no local copies).</summary>
    public static async Task<HybridCacheScenario> StartAsync(IServiceProvider services, Ledger ledger)
    {
        var node = services.GetRequiredService<OrleansRedisHybridCache>();
        using var deadline = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        while (!node.IsListening)
        {
            await Task.Delay(20, deadline.Token);
        }

        return new HybridCacheScenario(services.GetRequiredService<HybridCache>(), services.GetRequiredService<CacheEntryCalls>(), ledger);
    }

    /// <inheritdoc />
    public Task RunWorkerAsync(int worker, IGrainFactory grains, Ledger ledger, CancellationToken cancellationToken) => Task.CompletedTask;

    /// <inheritdoc />
    public async Task RunAsync(string command)
    {
        var words = command.Split(' ', StringSplitOptions.RemoveEmptyEntries);
        try
        {
            switch (words)
            {
                case ["stampede", var prefix, var keys, var callers, var factoryMs]:
                    Arm(prefix, int.Parse(keys), int.Parse(callers), TimeSpan.FromMilliseconds(int.Parse(factoryMs)));
                    break;
                case ["go", var prefix]:
                    _armed[prefix].SetResult();
                    break;
                case ["hold", var key, var tag]:
                    await HoldAsync(key, tag);
                    break;
                case [var change and ("set" or "remove" or "removetag"), var key, var tag]:
                    await ChangeAsync(change, key, tag);
                    _ledger.Write($"CHANGED {key} {Stopwatch.GetTimestamp()}");
                    break;
                default:
                    _ledger.Write($"FAILED {command}: unknown command");
                    break;
            }
        }
        catch (Exception ex)
        {
            _ledger.Write($"FAILED {command}: {ex.GetType().Name}: {ex.Message}");
        }
    }

    private void Arm(string prefix, int keys, int callers, TimeSpan factoryTime)
    {
        var go = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        _armed[prefix] = go;
        var done = Task.WhenAll(Enumerable.Range(0, keys).Select(k => StampedeAsync($"{prefix}-{k}", callers, factoryTime, go.Task)));
        _ = ReportAsync($"stampede {prefix}", async () =>
        {
            await done;
            _ledger.Write($"STAMPEDED {prefix}");
        });
        _ledger.Write($"ARMED {prefix}");
    }

    private async Task StampedeAsync(string key, int callers, TimeSpan factoryTime, Task go)
    {
        async Task<string> CallAsync()
        {
            await go;
            return await _cache.GetOrCreateAsync(key, (Scenario: this, Key: key, Time: factoryTime), static (s, _) => s.Scenario.MakeAsync(s.Key, s.Time));
        }

        var values = await Task.WhenAll(Enumerable.Range(0, callers).Select(_ => CallAsync()));
        foreach (var group in values.GroupBy(v => v, StringComparer.Ordinal))
        {
            _ledger.Write($"GOT {key} {group.Count()} {group.Key}");
        }
    }

    private async Task HoldAsync(string key, string tag)
    {
        for (var attempt = 1; ; attempt++)
        {
            // A read right after a miss may not be kept (an eviction of any key arrived while it was fetched): read
            // again until one is answered without a grain call.
            var value = await ReadAsync(key, tag);
            var calls = _entryCalls.Count;
            if (await ReadAsync(key, tag) == value && _entryCalls.Count == calls)
            {
                _ledger.Write($"HELD {key} {value}");
                _ = ReportAsync($"watch {key}", () => WatchAsync(key, tag, value));
                return;
            }

            if (attempt == 100)
            {
                throw new InvalidOperationException($"No read of {key} was served locally in {attempt} attempts.");
            }
        }
    }

    private async Task WatchAsync(string key, string tag, string held)
    {
        while (true)
        {
            var start = Stopwatch.GetTimestamp();
            if (await ReadAsync(key, tag) != held)
            {
                _ledger.Write($"EVICTED {key} {start}");
                return;
            }

            await Task.Delay(1);
        }
    }

    private Task ChangeAsync(string change, string key, string tag) => change switch
    {
        "set" => _cache.SetAsync(key, $"set-{Environment.ProcessId}-{Guid.NewGuid():N}", LongLocal, [tag]).AsTask(),
        "remove" => _cache.RemoveAsync(key).AsTask(),
        _ => _cache.RemoveByTagAsync(tag).AsTask(),
    };

    private ValueTask<string> ReadAsync(string key, string tag) =>
        _cache.GetOrCreateAsync(key, (Scenario: this, Key: key), static (s, _) => s.Scenario.MakeAsync(s.Key, TimeSpan.Zero), LongLocal, [tag]);

    private async ValueTask<string> MakeAsync(string key, TimeSpan time)
    {
        var value = $"{Environment.ProcessId}-{Guid.NewGuid():N}";
        _ledger.Write($"FACTORY {key} {value}");
        if (time > TimeSpan.Zero)
        {
            await Task.Delay(time);
        }

        return value;
    }

    private async Task ReportAsync(string what, Func<Task> work)
    {
        try
        {
            await work();
        }
        catch (Exception ex)
        {
            _ledger.Write($"FAILED {what}: {ex.GetType().Name}: {ex.Message}");
        }
    }
}
