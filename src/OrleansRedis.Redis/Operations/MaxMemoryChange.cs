namespace OrleansRedis.Redis.Operations;

/// <summary>A request to change a Redis's memory limit and eviction policy.</summary>
/// <param name="Role">Which Redis.</param>
/// <param name="MaxMemory">The new <c>maxmemory</c> in Redis syntax (<c>0</c>, <c>268435456</c>, <c>256mb</c>, <c>2gb</c>); null keeps it.</param>
/// <param name="Policy">The new <c>maxmemory-policy</c>; null keeps it.</param>
/// <param name="Force">Allows an evicting policy on the State role, which is refused otherwise.</param>
public sealed record MaxMemoryChange(RedisRole Role, string? MaxMemory, string? Policy, bool Force);

/// <summary>The values after a maxmemory change: shared by every node (otherwise <c>mixed</c>), and each node's own.</summary>
public sealed record MaxMemoryResult(string MaxMemory, string Policy, IReadOnlyList<MaxMemoryNode> Nodes);

/// <summary>One node's <c>maxmemory</c> and <c>maxmemory-policy</c> after a change.</summary>
public sealed record MaxMemoryNode(string Endpoint, string MaxMemory, string Policy);
