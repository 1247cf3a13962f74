using System.Text.RegularExpressions;
using StackExchange.Redis;

namespace OrleansRedis.Redis.Operations;

/// <summary>
/// Changes <c>maxmemory</c> and <c>maxmemory-policy</c> with the guard rail the usual advice misses: an evicting policy
/// on the State Redis would silently delete membership, grain state, sessions, locks and windows, so it is refused
/// unless forced.
/// </summary>
public sealed partial class MaxMemorySetter(RedisAdminConnections connections)
{
    /// <summary>Checks <paramref name="change"/> and returns the problems with it; empty when it is acceptable.</summary>
    public static IReadOnlyList<string> Validate(MaxMemoryChange change)
    {
        var errors = new List<string>();
        if (change.MaxMemory is null && change.Policy is null)
        {
            errors.Add("Give maxMemory, policy or both.");
        }

        if (change.MaxMemory is { } size && !SizePattern().IsMatch(size))
        {
            errors.Add($"maxMemory '{size}' is not a Redis size: use bytes or a number with kb, mb or gb (e.g. 256mb).");
        }

        if (change.Policy is { } policy && !EvictionPolicies.All.Contains(policy))
        {
            errors.Add($"policy '{policy}' is not a maxmemory-policy; use one of {string.Join(", ", EvictionPolicies.All)}.");
        }

        return errors;
    }

    /// <summary>Applies <paramref name="change"/> and returns the values Redis reports afterwards.</summary>
    /// <exception cref="EvictionGuardException">An evicting policy on State without force.</exception>
    /// <exception cref="RedisConfigUnavailableException">The Redis forbids CONFIG.</exception>
    public async Task<(string MaxMemory, string Policy)> ApplyAsync(MaxMemoryChange change)
    {
        // Without a separate Cache Redis, "cache" is the State Redis: the guard must hold for it too.
        change = change with { Role = connections.HasSeparateCache ? change.Role : RedisRole.State };
        if (change.Role == RedisRole.State && change.Policy is { } policy && EvictionPolicies.IsEvicting(policy) && !change.Force)
        {
            throw new EvictionGuardException(
                $"Refusing maxmemory-policy {policy} on the State Redis: it would let Redis delete membership, grain state, sessions, locks and rate-limit windows when memory runs out. Use noeviction, or pass force=true if you really mean it.");
        }

        var server = await connections.ServerAsync(change.Role).ConfigureAwait(false);
        try
        {
            if (change.MaxMemory is { } size)
            {
                await server.ConfigSetAsync("maxmemory", size.ToLowerInvariant()).ConfigureAwait(false);
            }

            if (change.Policy is { } newPolicy)
            {
                await server.ConfigSetAsync("maxmemory-policy", newPolicy).ConfigureAwait(false);
            }

            var maxMemory = await server.ConfigGetAsync("maxmemory").ConfigureAwait(false);
            var current = await server.ConfigGetAsync("maxmemory-policy").ConfigureAwait(false);
            return (maxMemory.Single().Value, current.Single().Value);
        }
        catch (RedisServerException ex)
        {
            throw new RedisConfigUnavailableException($"The {change.Role} Redis refused CONFIG: {ex.Message}. Managed Redis services often disable it; change the setting in the service's console instead.", ex);
        }
    }

    [GeneratedRegex("^[0-9]{1,15}(b|k|kb|m|mb|g|gb)?$", RegexOptions.IgnoreCase)]
    private static partial Regex SizePattern();
}
