namespace OrleansRedis.Abstractions.Locks;

/// <summary>A lock as Redis has it at one moment.</summary>
/// <param name="Name">The lock's name.</param>
/// <param name="Held">Whether a lease holds the lock.</param>
/// <param name="Owner">The holder's owner when held; otherwise <see langword="null"/>.</param>
/// <param name="FencingToken">The holder's fencing token when held; otherwise the highest ever issued (0: never).</param>
/// <param name="ExpiresAtUtc">When the holder's lease runs out by Redis's clock; <see langword="null"/> when free.</param>
/// <param name="Waiters">How many callers queue in the activation that answered.</param>
/// <param name="Silo">The address of the silo hosting that activation.</param>
[GenerateSerializer, Immutable, Alias("orleansredis.lock.state")]
public sealed record LockState(string Name, bool Held, string? Owner, long FencingToken, DateTimeOffset? ExpiresAtUtc, int Waiters, string Silo);
