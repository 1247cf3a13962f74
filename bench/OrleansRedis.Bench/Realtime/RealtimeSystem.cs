namespace OrleansRedis.Bench.Realtime;

/// <summary>
/// One real-time system of the real-time benchmark: two servers on the benchmark's Redis, subscribers spread over
/// both, publishing through either. Payloads are opaque strings; each subscriber hands every payload it receives to
/// its callback, one at a time.
/// </summary>
public abstract class RealtimeSystem : IAsyncDisposable
{
    /// <summary>Gets the name in the report.</summary>
    public abstract string Name { get; }

    /// <summary>Connects subscriber <paramref name="index"/> (to server <c>index % 2</c> first); disposing it disconnects.</summary>
    public abstract Task<IAsyncDisposable> SubscribeAsync(int index, Action<string> received);

    /// <summary>Publishes <paramref name="payload"/> through server <c>publisher % 2</c>; completes when the system acknowledged it.</summary>
    public abstract Task PublishAsync(int publisher, string payload, CancellationToken cancellationToken);

    /// <inheritdoc />
    public virtual ValueTask DisposeAsync() => ValueTask.CompletedTask;
}
