using System.Text.RegularExpressions;
using StackExchange.Redis;
using OrleansRedis.Abstractions.Diagnostics;

namespace OrleansRedis.Redis.Operations;

/// <summary>
/// Changes <c>maxmemory</c> and <c>maxmemory-policy</c> with the guard rail the usual advice misses: an evicting policy
/// on the State Redis would silently delete membership, grain state, sessions, locks and windows, so it is refused
/// unless forced.
/// </summary>
public sealed partial class MaxMemorySetter(RedisAdminConnections connections)
{
    /// <summary>The request field of the memory limit.</summary>
    public const string MaxMemoryField = "maxMemory";

    /// <summary>The request field of the eviction policy.</summary>
    public const string PolicyField = "policy";

    /// <summary>
    /// Checks <paramref name="change"/> and returns its problems, each with the request field it is about
    /// (<see cref="MaxMemoryField"/>, <see cref="PolicyField"/>); empty when the change is acceptable.
    /// </summary>
    public static IReadOnlyList<(string Field, string Message)> Validate(MaxMemoryChange change)
    {
        var errors = new List<(string Field, string Message)>();
        if (change.MaxMemory is null && change.Policy is null)
        {
            // Either one makes the request valid: name both.
            const string Missing = "Give maxMemory, policy or both.";
            errors.Add((MaxMemoryField, Missing));
            errors.Add((PolicyField, Missing));
        }

        if (change.MaxMemory is { } size && !SizePattern().IsMatch(size))
        {
            errors.Add((MaxMemoryField, $"'{Shorten(size)}' is not a Redis size: use bytes or a number with kb, mb or gb (e.g. 256mb)."));
        }

        if (change.Policy is { } policy && !EvictionPolicies.All.Contains(policy))
        {
            errors.Add((PolicyField, $"'{Shorten(policy)}' is not a maxmemory-policy; use one of {string.Join(", ", EvictionPolicies.All)}."));
        }

        return errors;
    }

    private static string Shorten(string value) => value.Length > 64 ? value[..64] + "..." : value;

    /// <summary>
    /// Applies <paramref name="change"/> to every node of the role's Redis (on a Redis Cluster each master and replica:
    /// <c>CONFIG SET</c> is not replicated, and a replica becomes a master in a failover) and returns the values the
    /// nodes report afterwards.
    /// </summary>
    /// <exception cref="EvictionGuardException">An evicting policy on the State server (whichever role names it) without force.</exception>
    /// <exception cref="RedisConfigUnavailableException">A node forbids CONFIG.</exception>
    public Task<MaxMemoryResult> ApplyAsync(MaxMemoryChange change) =>
        OrleansRedisActivitySources.Run(OrleansRedisActivitySources.Operations.StartActivity("operations.set_maxmemory"), ApplyCoreAsync(change));

    private async Task<MaxMemoryResult> ApplyCoreAsync(MaxMemoryChange change)
    {
        // Without a separate Cache Redis, "cache" is the State Redis: the guard must hold for it too.
        change = change with { Role = connections.HasSeparateCache ? change.Role : RedisRole.State };
        // Decided on the servers themselves (run_id), not on how the roles are configured: a Cache connection string or
        // multiplexer may name the State server in other words.
        if (change.Policy is { } policy && EvictionPolicies.IsEvicting(policy) && !change.Force
            && await connections.IsStateServerAsync(change.Role).ConfigureAwait(false))
        {
            var which = change.Role == RedisRole.State ? "the State Redis" : "the Cache Redis, which is the same server as the State Redis,";
            throw new EvictionGuardException(
                $"Refusing maxmemory-policy {policy} on {which}: it would let Redis delete membership, grain state, sessions, locks and rate-limit windows when memory runs out. Use noeviction, or pass force=true if you really mean it.");
        }

        var nodes = new List<MaxMemoryNode>();
        foreach (var server in (await connections.NodesAsync(change.Role).ConfigureAwait(false)).All)
        {
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
                nodes.Add(new MaxMemoryNode(server.EndPoint.ToString() ?? "unknown", maxMemory.Single().Value, current.Single().Value));
            }
            catch (RedisServerException ex)
            {
                var applied = nodes.Count == 0 ? "" : $" (already applied on {string.Join(", ", nodes.Select(node => node.Endpoint))})";
                throw new RedisConfigUnavailableException($"The {change.Role} Redis refused CONFIG: {ex.Message}{applied}. Managed Redis services often disable it; change the setting in the service's console instead.", ex);
            }
        }

        return new MaxMemoryResult(Common(nodes, node => node.MaxMemory), Common(nodes, node => node.Policy), nodes);
    }

    private static string Common(List<MaxMemoryNode> nodes, Func<MaxMemoryNode, string> value) =>
        nodes.Select(value).Distinct(StringComparer.Ordinal).Count() == 1 ? value(nodes[0]) : "mixed";

    [GeneratedRegex("^[0-9]{1,15}(b|k|kb|m|mb|g|gb)?$", RegexOptions.IgnoreCase)]
    private static partial Regex SizePattern();
}
