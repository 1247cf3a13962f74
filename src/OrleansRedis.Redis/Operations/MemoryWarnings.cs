namespace OrleansRedis.Redis.Operations;

/// <summary>Decides which warnings a memory report carries. Pure logic, so every rule is unit-tested.</summary>
public static class MemoryWarnings
{
    /// <summary>Fragmentation above this ratio wastes memory worth a warning.</summary>
    public const double HighFragmentationRatio = 1.5;

    /// <summary>Below this much used memory the fragmentation ratio is noise (an almost empty Redis reads high).</summary>
    public const long FragmentationFloorBytes = 64L * 1024 * 1024;

    /// <summary>The warning of a Redis Cluster whose live masters do not serve every slot (a master is down, no replica took over).</summary>
    public static MemoryWarning SlotsUncovered(RedisRole role, int slotsCovered) => new(
        "cluster-slots-uncovered", "critical",
        $"The {role} Redis Cluster serves {slotsCovered} of {RedisNodes.SlotCount} slots: a master is down and no replica has taken over, so calls on the other slots fail and this report leaves their keys out.",
        "Restart the failed master or add a replica to it (redis-cli --cluster check), and keep one replica per master with cluster-node-timeout short enough to fail over.");

    /// <summary>Evaluates the rules for one Redis.</summary>
    public static IReadOnlyList<MemoryWarning> Evaluate(
        RedisRole role, string policy, long maxMemoryBytes, bool aofEnabled, double fragmentationRatio, long usedMemoryBytes)
    {
        var warnings = new List<MemoryWarning>();
        if (role == RedisRole.State && EvictionPolicies.IsEvicting(policy))
        {
            warnings.Add(new MemoryWarning(
                "state-evicting-policy", "critical",
                $"The State Redis runs maxmemory-policy {policy}: when it fills up, Redis silently deletes membership, grain state, sessions, locks or rate-limit windows{(policy.StartsWith("volatile", StringComparison.Ordinal) ? " (volatile-* evicts any key with a TTL, and all of those carry TTLs)" : "")}.",
                "Set maxmemory-policy noeviction on the State Redis (PUT /admin/redis/maxmemory) and size maxmemory for the data; put evictable data on the Cache role."));
        }

        if (role == RedisRole.State && !aofEnabled)
        {
            warnings.Add(new MemoryWarning(
                "state-aof-off", "critical",
                "The State Redis has AOF off: a restart loses every write since the last RDB snapshot, and Orleans membership on an emptied Redis wedges until silos restart.",
                "Run the State Redis with appendonly yes (appendfsync everysec or always) on a persistent volume."));
        }

        if (role == RedisRole.Cache && EvictionPolicies.IsEvicting(policy) && maxMemoryBytes == 0)
        {
            warnings.Add(new MemoryWarning(
                "cache-evicting-without-maxmemory", "warning",
                $"The Cache Redis runs {policy} but maxmemory is 0 (unlimited): it will never evict and grows until the machine runs out of memory.",
                "Set maxmemory on the Cache Redis (e.g. 256mb) so the eviction policy takes effect."));
        }

        if (fragmentationRatio > HighFragmentationRatio && usedMemoryBytes >= FragmentationFloorBytes)
        {
            warnings.Add(new MemoryWarning(
                "high-fragmentation", "warning",
                $"Memory fragmentation ratio is {fragmentationRatio:0.00}: Redis holds much more memory from the OS than its data needs.",
                "Enable activedefrag yes, or restart the Redis at a quiet time (State: with AOF on)."));
        }

        return warnings;
    }
}
