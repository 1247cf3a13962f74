using System.Threading.Channels;
using OrleansRedis.Abstractions.Realtime;

namespace OrleansRedis.Grains.Realtime;

/// <summary>
/// One subscriber's place in its silo's relay of a topic: a bounded buffer the relay fills with every event after
/// <see cref="StartId"/>, in order and without gaps. When the buffer is full the relay stops writing to it and
/// completes it (<see cref="Overflowed"/>); the subscriber then resumes by replay. Dispose to leave the relay.
/// </summary>
public sealed class TopicSubscription : IDisposable
{
    private readonly Channel<RelayEvent> _buffer;
    private readonly Action<TopicSubscription> _leave;
    private int _disposed;

    internal TopicSubscription(int capacity, Action<TopicSubscription> leave)
    {
        _buffer = Channel.CreateBounded<RelayEvent>(new BoundedChannelOptions(capacity)
        {
            SingleReader = true,
            SingleWriter = true,
            FullMode = BoundedChannelFullMode.Wait,
        });
        _leave = leave;
    }

    /// <summary>Gets the id of the last event before this subscription's buffer begins.</summary>
    public TopicEventId StartId { get; internal set; }

    /// <summary>Gets the live events after <see cref="StartId"/>.</summary>
    public ChannelReader<RelayEvent> Live => _buffer.Reader;

    /// <summary>Gets whether the buffer overflowed (the subscriber was too slow) or the relay had to give it up.</summary>
    public bool Overflowed { get; private set; }

    /// <summary>Writes a live event; on a full buffer marks the subscription overflowed and completes it.</summary>
    /// <returns><see langword="false"/> when the subscription can take no more events.</returns>
    internal bool Offer(in RelayEvent item)
    {
        if (_buffer.Writer.TryWrite(item))
        {
            return true;
        }

        Cut();
        return false;
    }

    /// <summary>Ends the subscription as overflowed: its reader drains what it has and then resumes by replay.</summary>
    internal void Cut()
    {
        Overflowed = true;
        _buffer.Writer.TryComplete();
    }

    /// <inheritdoc />
    public void Dispose()
    {
        if (Interlocked.Exchange(ref _disposed, 1) == 0)
        {
            _buffer.Writer.TryComplete();
            _leave(this);
        }
    }
}
