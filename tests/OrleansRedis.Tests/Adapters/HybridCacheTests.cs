using System.Buffers;
using System.Text;
using Microsoft.Extensions.Caching.Hybrid;
using Microsoft.Extensions.DependencyInjection;
using OrleansRedis.Client.Caching;
using OrleansRedis.Testing;
using OrleansRedis.Tests.Infrastructure;

namespace OrleansRedis.Tests.Adapters;

/// <summary>
/// <see cref="OrleansRedisHybridCache"/> on two app instances (external clients) of one cluster: one factory run per
/// key across both, and a change on one node evicts the other's local copy at once.
/// </summary>
[Collection(AdapterClusterCollection.Name)]
public sealed class HybridCacheTests(AdapterClusterFixture fixture) : IAsyncLifetime
{
    private static readonly TimeSpan Long = TimeSpan.FromSeconds(30);

    // Local copies that would outlive every test: only a pushed eviction can make a node read again.
    private static readonly HybridCacheEntryOptions LongLocal = new() { Expiration = TimeSpan.FromMinutes(10), LocalCacheExpiration = TimeSpan.FromMinutes(10) };

    private readonly string _name = $"t{Guid.NewGuid():N}";
    private ExternalClient _nodeA = null!;
    private ExternalClient _nodeB = null!;

    private HybridCache A => _nodeA.Services.GetRequiredService<HybridCache>();

    private HybridCache B => _nodeB.Services.GetRequiredService<HybridCache>();

    public async ValueTask InitializeAsync()
    {
        _nodeA = await StartNodeAsync();
        _nodeB = await StartNodeAsync();
        await Eventually.TrueAsync(
            () => Task.FromResult(Node(_nodeA).IsListening && Node(_nodeB).IsListening), Long, "both nodes listen for evictions");
    }

    public async ValueTask DisposeAsync()
    {
        await _nodeA.DisposeAsync();
        await _nodeB.DisposeAsync();
    }

    [Fact]
    public async Task GetOrCreate_FiftyConcurrentCallersOnEachOfTwoNodes_FactoryRunsOnceInTheCluster()
    {
        var runs = 0;
        async ValueTask<string> Factory(CancellationToken ct)
        {
            Interlocked.Increment(ref runs);
            await Task.Delay(200, ct); // long enough for every caller to arrive while it runs
            return "loaded";
        }

        var callers = Enumerable.Range(0, 100)
            .Select(i => Task.Run(async () => await (i % 2 == 0 ? A : B).GetOrCreateAsync("hot", Factory)));
        var values = await Task.WhenAll(callers).WaitAsync(Long);

        Assert.All(values, v => Assert.Equal("loaded", v));
        Assert.Equal(1, runs);
    }

    [Fact]
    public async Task RemoveAsync_OnNodeA_EvictsNodeBsLocalCopy()
    {
        Assert.Equal("v1", await B.GetOrCreateAsync("k", _ => ValueTask.FromResult("v1"), LongLocal));
        Assert.Equal("v1", await B.GetOrCreateAsync("k", _ => ValueTask.FromResult("never"), LongLocal));

        await A.RemoveAsync("k");

        await Eventually.TrueAsync(
            async () => await B.GetOrCreateAsync("k", _ => ValueTask.FromResult("v2"), LongLocal) == "v2", Long, "node B reads the key again");
    }

    [Fact]
    public async Task RemoveByTagAsync_OnNodeA_EvictsTaggedEntriesOnNodeB_AndKeepsOthers()
    {
        Assert.Equal("p1", await B.GetOrCreateAsync("product:1", _ => ValueTask.FromResult("p1"), LongLocal, ["products"]));
        Assert.Equal("c1", await B.GetOrCreateAsync("customer:1", _ => ValueTask.FromResult("c1"), LongLocal, ["customers"]));

        await A.RemoveByTagAsync("products");

        await Eventually.TrueAsync(
            async () => await B.GetOrCreateAsync("product:1", _ => ValueTask.FromResult("p2"), LongLocal) == "p2", Long, "node B reloads the tagged entry");
        Assert.Equal("c1", await B.GetOrCreateAsync("customer:1", _ => ValueTask.FromResult("never"), LongLocal));
        Assert.Equal("c1", await A.GetOrCreateAsync("customer:1", _ => ValueTask.FromResult("never"), LongLocal));
    }

    [Fact]
    public async Task SetAsync_OnNodeA_NodeBReadsTheNewValue()
    {
        Assert.Equal("old", await B.GetOrCreateAsync("s", _ => ValueTask.FromResult("old"), LongLocal));

        await A.SetAsync("s", "new", LongLocal);

        await Eventually.TrueAsync(
            async () => await B.GetOrCreateAsync("s", _ => ValueTask.FromResult("never"), LongLocal) == "new", Long, "node B reads the value set on node A");
    }

    [Fact]
    public async Task GetOrCreate_CustomType_UsesTheRegisteredSerializerOnBothNodes()
    {
        var made = await A.GetOrCreateAsync("price", _ => ValueTask.FromResult(new Money(12.5m, "EUR")));
        var read = await B.GetOrCreateAsync("price", _ => ValueTask.FromResult(new Money(0, "never")));

        Assert.Equal(new Money(12.5m, "EUR"), made);
        Assert.Equal(new Money(12.5m, "EUR"), read);
        var stored = await fixture.RedisConnection.GetDatabase().HashGetAsync($"or:cache:{{{_name}/price}}", "v");
        Assert.Equal("12.5 EUR", (string?)stored);
    }

    private static OrleansRedisHybridCache Node(ExternalClient client) => client.Services.GetRequiredService<OrleansRedisHybridCache>();

    private Task<ExternalClient> StartNodeAsync() => fixture.StartClientAsync(services =>
    {
        services.AddSingleton<IHybridCacheSerializer<Money>, MoneySerializer>();
        services.AddOrleansRedisHybridCache(configure: o =>
        {
            o.Name = _name;
            o.Redis = fixture.RedisConnectionString;
        });
    });

    private sealed record Money(decimal Amount, string Currency);

    private sealed class MoneySerializer : IHybridCacheSerializer<Money>
    {
        public Money Deserialize(ReadOnlySequence<byte> source)
        {
            var parts = Encoding.UTF8.GetString(source.ToArray()).Split(' ');
            return new Money(decimal.Parse(parts[0], System.Globalization.CultureInfo.InvariantCulture), parts[1]);
        }

        public void Serialize(Money value, IBufferWriter<byte> target) =>
            target.Write(Encoding.UTF8.GetBytes(string.Create(System.Globalization.CultureInfo.InvariantCulture, $"{value.Amount} {value.Currency}")));
    }
}
