using System.Runtime.CompilerServices;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using OrleansRedis.Abstractions.Errors;
using OrleansRedis.Abstractions.Realtime;
using OrleansRedis.Redis;
using OrleansRedis.Redis.Realtime;
using StackExchange.Redis;

namespace OrleansRedis.Grains.Realtime;

/// <summary>
/// A silo's subscribers of topics: one <see cref="TopicRelay"/> per topic with subscribers here, started with the first
/// and stopped with the last. <see cref="StreamAsync"/> is what an SSE connection reads: the history after the
/// client's last id from Redis, then the live events, with no gap and no duplicate between the two.
/// </summary>
public sealed partial class TopicRelayHub : IAsyncDisposable
{
    private readonly Dictionary<string, TopicRelay> _relays = new(StringComparer.Ordinal);
    private readonly Lock _gate = new();
    private readonly RedisConnections _connections;
    private readonly RedisKeys _keys;
    private readonly TopicStore _store;
    private readonly RealtimeOptions _options;
    private readonly RealtimeMetrics _metrics;
    private readonly TimeProvider _time;
    private readonly TimeSpan _readyTimeout;
    private readonly ILogger<TopicRelayHub> _logger;
    private bool _watchingConnection;

    public TopicRelayHub(
        RedisConnections connections, RedisKeys keys, TopicStore store, IOptions<RealtimeOptions> options,
        IOptions<RedisOptions> redis, RealtimeMetrics metrics, TimeProvider time, ILogger<TopicRelayHub> logger)
    {
        _connections = connections;
        _keys = keys;
        _store = store;
        _options = options.Value;
        _metrics = metrics;
        _time = time;
        _readyTimeout = redis.Value.OperationTimeout * 2;
        _logger = logger;
    }

    /// <summary>Gets the number of topics relayed on this silo.</summary>
    public int RelayCount
    {
        get
        {
            lock (_gate)
            {
                return _relays.Count;
            }
        }
    }

    /// <summary>
    /// Joins this silo's relay of <paramref name="topic"/> (starting it when it is the first subscriber): the
    /// subscription receives every event after its <see cref="TopicSubscription.StartId"/>.
    /// </summary>
    /// <exception cref="BackendUnavailableException">The relay could not reach Redis in time.</exception>
    public async Task<TopicSubscription> SubscribeAsync(string topic, CancellationToken cancellationToken = default)
    {
        TopicRelay relay;
        lock (_gate)
        {
            if (!_relays.TryGetValue(topic, out relay!))
            {
                relay = new TopicRelay(topic, _connections, _keys, _store, _metrics, _time, _options.RelayCheckInterval, _logger);
                _relays.Add(topic, relay);
                WatchConnection();
            }

            relay.References++;
        }

        var subscription = new TopicSubscription(_options.SubscriberBufferSize, s => Leave(relay, s));
        try
        {
            await relay.Ready.WaitAsync(_readyTimeout, _time, cancellationToken).ConfigureAwait(false);
        }
        catch (TimeoutException)
        {
            subscription.Dispose();
            throw new BackendUnavailableException("redis", $"Topic '{topic}' could not be subscribed: Redis did not answer within {_readyTimeout}.");
        }
        catch
        {
            subscription.Dispose();
            throw;
        }

        relay.Add(subscription);
        return subscription;
    }

    /// <summary>
    /// What one subscriber reads through <paramref name="subscription"/> (from <see cref="SubscribeAsync"/>, disposed
    /// when the stream ends): when <paramref name="after"/> is given, the events after it from Redis (a
    /// <see cref="TopicDeliveryKind.Reset"/> first when some were trimmed), then the live events; the stream ends
    /// with <see cref="TopicDeliveryKind.Cut"/> when the subscriber fell more than the buffer behind.
    /// </summary>
    public async IAsyncEnumerable<TopicDelivery> StreamAsync(
        TopicSubscription subscription, string topic, TopicEventId? after, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        using var owned = subscription;
        _metrics.Connection(+1);
        try
        {
            var cursor = subscription.StartId;
            if (after is { } from)
            {
                cursor = from;
                var pageSize = Math.Min(_options.MaxPageSize, 1000);
                while (true)
                {
                    var read = await _store.ReadAsync(topic, cursor, pageSize).ConfigureAwait(false);
                    if (read.Reset)
                    {
                        _metrics.Reset();
                        cursor = TopicEventId.Zero;
                        yield return new TopicDelivery(TopicDeliveryKind.Reset, null);
                    }

                    var replayed = 0;
                    foreach (var topicEvent in read.Events)
                    {
                        var id = TopicEventId.Parse(topicEvent.Id);
                        if (id > cursor)
                        {
                            cursor = id;
                            replayed++;
                            yield return new TopicDelivery(TopicDeliveryKind.Event, topicEvent);
                        }
                    }

                    _metrics.Replayed(replayed);

                    // Everything after the subscription's start is in its buffer too; stop reading history there.
                    if (read.Events.Count < pageSize || cursor >= subscription.StartId)
                    {
                        break;
                    }
                }
            }

            while (await subscription.Live.WaitToReadAsync(cancellationToken).ConfigureAwait(false))
            {
                while (subscription.Live.TryRead(out var item))
                {
                    if (item.Id > cursor)
                    {
                        cursor = item.Id;
                        yield return new TopicDelivery(TopicDeliveryKind.Event, item.Event);
                    }
                }
            }

            if (subscription.Overflowed)
            {
                yield return new TopicDelivery(TopicDeliveryKind.Cut, null);
            }
        }
        finally
        {
            _metrics.Connection(-1);
        }
    }

    private void Leave(TopicRelay relay, TopicSubscription subscription)
    {
        relay.Remove(subscription);
        var last = false;
        lock (_gate)
        {
            if (--relay.References == 0)
            {
                _relays.Remove(relay.Topic);
                last = true;
            }
        }

        if (last)
        {
            _ = relay.DisposeAsync().AsTask();
        }
    }

    private void WatchConnection()
    {
        if (_watchingConnection)
        {
            return;
        }

        // Pub/sub drops what is published while the connection is down: every relay re-reads once it is back.
        _watchingConnection = true;
        _connections.State.ConnectionRestored += OnConnectionRestored;
    }

    private void OnConnectionRestored(object? sender, ConnectionFailedEventArgs e)
    {
        TopicRelay[] relays;
        lock (_gate)
        {
            relays = [.. _relays.Values];
        }

        LogReconnected(relays.Length);
        foreach (var relay in relays)
        {
            relay.Check();
        }
    }

    /// <inheritdoc />
    public async ValueTask DisposeAsync()
    {
        TopicRelay[] relays;
        lock (_gate)
        {
            relays = [.. _relays.Values];
            _relays.Clear();
        }

        if (_watchingConnection)
        {
            _connections.State.ConnectionRestored -= OnConnectionRestored;
        }

        foreach (var relay in relays)
        {
            await relay.DisposeAsync().ConfigureAwait(false);
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Redis connection restored; {Count} topic relays check for missed events")]
    private partial void LogReconnected(int count);
}
