using OrleansRedis.Abstractions.Users;

namespace OrleansRedis.Bench.Scenarios;

/// <summary>One way of reading users through a cache, used from several app instances.</summary>
/// <param name="Name">The variant name in the report.</param>
/// <param name="Instances">One read function per app instance (its own cache, connections and container).</param>
/// <param name="DatabaseQueriesAsync">Reads the number of database queries this variant has caused so far.</param>
public sealed record UserCachePeer(string Name, IReadOnlyList<Func<string, Task<UserRecord?>>> Instances, Func<Task<long>> DatabaseQueriesAsync);
