namespace OrleansRedis.Abstractions.Locks;

/// <summary>A granted lease on a lock.</summary>
/// <param name="Name">The lock's name.</param>
/// <param name="Owner">The owner named when acquiring.</param>
/// <param name="Token">
/// The secret of this lease (128 random bits from a CSPRNG, base64url): extending and releasing require it. Keep it
/// private to the holder.
/// </param>
/// <param name="FencingToken">
/// A number from the lock's counter, which only grows (also across lease expiry and Redis restarts with AOF): greater
/// than the fencing token of every earlier lease of this lock. Send it with every write to the protected resource.
/// </param>
/// <param name="ExpiresAtUtc">When the lease runs out by Redis's clock, unless extended.</param>
[GenerateSerializer, Immutable, Alias("orleansredis.lock.lease")]
public sealed record LockLease(string Name, string Owner, string Token, long FencingToken, DateTimeOffset ExpiresAtUtc);
