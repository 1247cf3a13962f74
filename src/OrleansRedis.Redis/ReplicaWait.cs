using StackExchange.Redis;

namespace OrleansRedis.Redis;

/// <summary>
/// How many replicas must hold a write before a store reports it done: <c>WAIT numreplicas timeout</c> sent after the
/// write script to the master that ran it. Redis replicates asynchronously, so without it a failover can lose a write
/// the caller was told succeeded (a lock granted twice, a revoked session back); with it, a write the replicas did not
/// confirm in time fails with <see cref="ReplicaAckException"/> instead (it may still have been applied on the master).
/// </summary>
/// <param name="Replicas">The replicas that must confirm; 0 (the default) sends no WAIT.</param>
/// <param name="Timeout">How long to wait for them.</param>
public readonly record struct ReplicaWait(int Replicas, TimeSpan Timeout)
{
    /// <summary>The most replicas a setting may ask for.</summary>
    public const int MaxReplicas = 5;

    /// <summary>The longest timeout a setting may give.</summary>
    public static readonly TimeSpan MaxTimeout = TimeSpan.FromSeconds(5);

    /// <summary>Lists the problems of the two settings <c>{section}:ReplicaAcks</c> and <c>{section}:ReplicaAckTimeout</c>.</summary>
    public static IEnumerable<string> Errors(string section, int replicas, TimeSpan timeout)
    {
        if (replicas is < 0 or > MaxReplicas)
        {
            yield return $"{section}:ReplicaAcks must be between 0 and {MaxReplicas} (it was {replicas}): the replicas that must confirm each write (WAIT); 0 waits for none.";
        }

        if (timeout < TimeSpan.FromMilliseconds(1) || timeout > MaxTimeout)
        {
            yield return $"{section}:ReplicaAckTimeout must be at least 1 ms and at most {MaxTimeout} (it was {timeout}).";
        }
    }

    /// <summary>Waits until <see cref="Replicas"/> replicas of the master of <paramref name="key"/> hold every write sent to it so far.</summary>
    /// <exception cref="ReplicaAckException">Fewer replicas confirmed within <see cref="Timeout"/>.</exception>
    public Task WaitAsync(IConnectionMultiplexer multiplexer, RedisKey key, string what) =>
        Replicas <= 0 ? Task.CompletedTask : WaitOnAsync(multiplexer.GetServer(key), what);

    /// <summary>The same as <see cref="WaitAsync(IConnectionMultiplexer, RedisKey, string)"/> for writes to several keys: once per master they live on.</summary>
    public async Task WaitAsync(IConnectionMultiplexer multiplexer, IEnumerable<RedisKey> keys, string what)
    {
        if (Replicas <= 0)
        {
            return;
        }

        foreach (var server in keys.Select(key => multiplexer.GetServer(key)).DistinctBy(server => server.EndPoint))
        {
            await WaitOnAsync(server, what).ConfigureAwait(false);
        }
    }

    // The server's interactive connection is the one that carried the write, so WAIT counts it.
    private async Task WaitOnAsync(IServer server, string what)
    {
        var confirmed = (long)await server.ExecuteAsync("WAIT", Replicas, (long)Timeout.TotalMilliseconds).ConfigureAwait(false);
        if (confirmed < Replicas)
        {
            throw new ReplicaAckException(
                $"The {what} reached {server.EndPoint} but {confirmed} of {Replicas} replicas confirmed it within {Timeout.TotalMilliseconds:0} ms: a failover now could lose it. Retry.");
        }
    }
}

/// <summary>A write was applied on a Redis master but not confirmed by the replicas <see cref="ReplicaWait"/> asks for in time.</summary>
public sealed class ReplicaAckException(string message) : RedisException(message);
