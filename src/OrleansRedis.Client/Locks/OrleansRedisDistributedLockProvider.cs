using System.Security.Cryptography;
using System.Text;
using Medallion.Threading;
using Microsoft.Extensions.Options;
using OrleansRedis.Abstractions.Locks;

namespace OrleansRedis.Client.Locks;

/// <summary>
/// The <see cref="IDistributedLockProvider"/> of DistributedLock.Core over OrleansRedis locks: code written against
/// <c>IDistributedLockProvider</c> (e.g. with DistributedLock.Redis) switches by a DI change. Each lock is fenced and fair
/// (first come, first served); its lease is <see cref="LockClientOptions.DistributedLockLease"/>, renewed by the handle.
/// </summary>
public sealed class OrleansRedisDistributedLockProvider(LockClient locks, IOptions<LockClientOptions> options) : IDistributedLockProvider
{
    private const string HashedPrefix = "sha256:";

    /// <summary>Creates the lock <paramref name="name"/>; a name that is not a valid lock name is hashed (<see cref="GetSafeName"/>).</summary>
    public IDistributedLock CreateLock(string name) => CreateLockWithExactName(GetSafeName(name));

    /// <summary>Creates the lock named exactly <paramref name="name"/>.</summary>
    /// <exception cref="ArgumentException">The name is not a valid lock name (<see cref="LockLimits.IsValidName"/>).</exception>
    public OrleansRedisDistributedLock CreateLockWithExactName(string name) =>
        LockLimits.IsValidName(name)
            ? new OrleansRedisDistributedLock(name, locks, options.Value.DistributedLockLease)
            : throw new ArgumentException($"A lock name of 1-{LockLimits.MaxNameLength} characters without control characters is required.", nameof(name));

    /// <summary>
    /// Returns <paramref name="name"/> when it is a valid lock name, else a stable, case-sensitive name derived from it
    /// (<c>sha256:</c> and the SHA-256 of its UTF-8 bytes), so that any string names a lock.
    /// </summary>
    public static string GetSafeName(string name)
    {
        ArgumentNullException.ThrowIfNull(name);
        return LockLimits.IsValidName(name) && !name.StartsWith(HashedPrefix, StringComparison.Ordinal)
            ? name
            : HashedPrefix + Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(name)));
    }
}
