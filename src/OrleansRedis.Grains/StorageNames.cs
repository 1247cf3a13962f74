namespace OrleansRedis.Grains;

/// <summary>Names of the grain storage providers the grains persist through.</summary>
public static class StorageNames
{
    /// <summary>
    /// The storage name the project's grains ask for in <c>[PersistentState]</c>: the Redis grain storage on the State
    /// role, registered by <c>AddOrleansRedisGrainStorage</c> (which can register it under another name and map this
    /// one to it). Distinctive, so that it never collides with a provider of the host's own (often named "redis").
    /// Stored keys do not contain a provider name, so renaming it never orphans state.
    /// </summary>
    public const string Redis = "orleansredis";
}
