namespace OrleansRedis.Abstractions.Caching;

/// <summary>Limits and grain keys of the cluster cache: a grain per cache name and key, and per cache name and tag.</summary>
public static class CacheNames
{
    /// <summary>The longest key or tag accepted.</summary>
    public const int MaxKeyLength = 1024;

    /// <summary>The longest cache name accepted.</summary>
    public const int MaxNameLength = 64;

    /// <summary>Gets whether <paramref name="name"/> is 1-64 ASCII letters, digits, '-', '_' or '.'.</summary>
    public static bool IsValidName(string? name) =>
        name is { Length: > 0 and <= MaxNameLength } && name.All(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '_' or '.');

    /// <summary>Gets whether <paramref name="key"/> (a key or a tag) is 1-1024 characters without control characters.</summary>
    public static bool IsValidKey(string? key) => key is { Length: > 0 and <= MaxKeyLength } && !key.Any(char.IsControl);

    /// <summary>Returns the grain key of <paramref name="key"/> (or of a tag) in cache <paramref name="name"/>.</summary>
    public static string GrainKey(string name, string key) => $"{name}/{key}";

    /// <summary>Splits a grain key made by <see cref="GrainKey"/> into the cache name and the key.</summary>
    public static (string Name, string Key) Split(string grainKey)
    {
        var slash = grainKey.IndexOf('/', StringComparison.Ordinal);
        return slash <= 0 ? throw new ArgumentException("A cache grain key is {name}/{key}.", nameof(grainKey)) : (grainKey[..slash], grainKey[(slash + 1)..]);
    }
}
