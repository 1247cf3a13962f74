namespace OrleansRedis.Grains;

/// <summary>Names of the grain storage providers the grains persist through.</summary>
public static class StorageNames
{
    /// <summary>The Redis grain storage on the State role.</summary>
    public const string Redis = "redis";
}
