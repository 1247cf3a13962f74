using Microsoft.Extensions.Caching.Hybrid;

namespace OrleansRedis.WebApp;

/// <summary>A product as the (pretend) catalogue answers it, with who loaded it.</summary>
internal sealed record Product(string Sku, string Name, decimal Price, string LoadedBy, DateTimeOffset LoadedAtUtc);

/// <summary>
/// Product lookups through <see cref="HybridCache"/>: the factory stands for a slow catalogue query, and runs once per
/// product across every instance until the entry expires or is forgotten.
/// </summary>
internal sealed class ProductCatalog(HybridCache cache)
{
    public const string Tag = "products";

    private static readonly HybridCacheEntryOptions Entry = new() { Expiration = TimeSpan.FromMinutes(5), LocalCacheExpiration = TimeSpan.FromMinutes(1) };
    private int _factoryRuns;

    /// <summary>Gets how many times this instance ran the factory.</summary>
    public int FactoryRuns => Volatile.Read(ref _factoryRuns);

    public ValueTask<Product> GetAsync(string sku, CancellationToken cancellationToken) =>
        cache.GetOrCreateAsync($"product:{sku}", sku, (sku, _) =>
        {
            Interlocked.Increment(ref _factoryRuns);
            return ValueTask.FromResult(new Product(sku, $"Product {sku}", SampleApp.PriceOf(sku), SampleApp.Instance, DateTimeOffset.UtcNow));
        }, Entry, [Tag], cancellationToken);
}
