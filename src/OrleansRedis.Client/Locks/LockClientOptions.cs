namespace OrleansRedis.Client.Locks;

/// <summary>How <see cref="LockClient"/> waits and renews. Bound from <c>OrleansRedis:LockClient</c>.</summary>
public sealed class LockClientOptions
{
    /// <summary>The configuration section these options are bound from.</summary>
    public const string SectionName = "OrleansRedis:LockClient";

    /// <summary>Gets or sets the owner this process names when acquiring (shown in the lock's state).</summary>
    /// <value>The default is <c>{machine name}/{process id}</c>.</value>
    public string Owner { get; set; } = $"{Environment.MachineName}/{Environment.ProcessId}";

    /// <summary>
    /// Gets or sets how often a held lease is renewed. Must be shorter than the lease; a third of it leaves two
    /// attempts before the lease would run out.
    /// </summary>
    /// <value>The default is <see langword="null"/>: a third of each handle's lease.</value>
    public TimeSpan? RenewInterval { get; set; }

    /// <summary>
    /// Gets or sets the longest a handle keeps renewing. When reached, renewal stops and <see cref="LockHandle.LostToken"/>
    /// is cancelled, so a stuck holder cannot keep the lock forever; the lease then runs out unless released.
    /// </summary>
    /// <value>The default is 30 minutes.</value>
    public TimeSpan MaxHoldTime { get; set; } = TimeSpan.FromMinutes(30);

    /// <summary>
    /// Gets or sets the longest one grain call waits in the lock's queue. Longer waits are a loop of such calls, so no
    /// call comes near the grain call timeout. The silo cuts each call to its own <c>Locks:MaxWait</c> as well.
    /// </summary>
    /// <value>The default is 10 seconds. At most 25 seconds.</value>
    public TimeSpan MaxWaitPerCall { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>
    /// Gets or sets the lease of the locks <see cref="OrleansRedisDistributedLockProvider"/> hands out
    /// (<c>IDistributedLock</c> has no lease parameter); handles renew it until disposed.
    /// </summary>
    /// <value>The default is 30 seconds.</value>
    public TimeSpan DistributedLockLease { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>Gets or sets the pause before retrying after a transient failure (silo or Redis unreachable).</summary>
    /// <value>The default is 200 milliseconds.</value>
    public TimeSpan RetryDelay { get; set; } = TimeSpan.FromMilliseconds(200);
}
