using Microsoft.Extensions.Options;
using StackExchange.Redis;

namespace OrleansRedis.Redis;

/// <summary>
/// Builds every Redis key the project writes: <c>{prefix}:{kind}:{{id}}[:{suffix}]</c>. The id sits in a hash tag, so
/// all keys of one id land in one Redis Cluster slot and a script touching several of them never fails with CROSSSLOT.
/// Each capability adds its key methods in its own partial file (<c>RedisKeys.{Capability}.cs</c>).
/// </summary>
public sealed partial class RedisKeys(IOptions<RedisOptions> options)
{
    /// <summary>Gets the prefix that namespaces every key of this deployment.</summary>
    public string Prefix { get; } = options.Value.KeyPrefix;

    /// <summary>Gets the pattern that matches every key of one kind, for SCAN.</summary>
    public string Pattern(string kind) => $"{Prefix}:{kind}:*";

    /// <summary>Builds the key of <paramref name="id"/> in <paramref name="kind"/>, with an optional suffix.</summary>
    /// <remarks>
    /// Redis Cluster hashes the text between the first <c>{</c> and the next <c>}</c>, and the whole key when that text is
    /// empty. An id that is empty or starts with <c>}</c> would give an empty tag, and each key of the id its own slot;
    /// such an id gets the fixed tag <c>{~}</c> before it instead (<c>or:lock:~{~}}x}</c>). The <c>~</c> after the kind
    /// stands where every other key has <c>{</c>, so the two forms never build the same key.
    /// </remarks>
    public RedisKey Build(string kind, string id, string? suffix = null)
    {
        var tagged = id.Length == 0 || id[0] == '}' ? $"{Prefix}:{kind}:~{{~}}{id}}}" : $"{Prefix}:{kind}:{{{id}}}";
        return suffix is null ? tagged : $"{tagged}:{suffix}";
    }
}
