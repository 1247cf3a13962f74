using System.Threading.Channels;
using Microsoft.Extensions.Logging;
using OrleansRedis.Abstractions.Realtime;
using OrleansRedis.Redis;
using OrleansRedis.Redis.Realtime;
using StackExchange.Redis;

namespace OrleansRedis.Grains.Realtime;

/// <summary>
/// A silo's one listener of one topic, shared by all of the silo's subscribers of it: it receives the topic's
/// announcements over the shared Redis connection's pub/sub (one channel subscription per silo per topic, whatever the
/// number of clients) and copies each event into every subscriber's bounded buffer. Announcements carry the id of the
/// event before, so a lost one (pub/sub is at-most-once: a reconnect, a Redis restart) shows as a broken chain and the
/// relay reads the gap from the stream; a periodic check of the newest id covers a loss at the end of a burst. The
/// relay thus delivers every event after its start, in stream order, exactly once.
/// </summary>
internal sealed partial class TopicRelay : IAsyncDisposable
{
    private const int FillPageSize = 1000;
    private static readonly object CheckSignal = new();

    private readonly string _topic;
    private readonly RedisConnections _connections;
    private readonly RedisKeys _keys;
    private readonly TopicStore _store;
    private readonly RealtimeMetrics _metrics;
    private readonly ILogger _logger;
    private readonly Channel<object> _inbox = Channel.CreateUnbounded<object>(new UnboundedChannelOptions { SingleReader = true });
    private readonly TaskCompletionSource _ready = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly CancellationTokenSource _stop = new();
    private readonly Lock _gate = new();
    private readonly ITimer _checkTimer;
    private readonly Task _loop;
    private TopicSubscription[] _subscribers = [];
    private ChannelMessageQueue? _queue;
    private TopicEventId _last;

    public TopicRelay(
        string topic, RedisConnections connections, RedisKeys keys, TopicStore store, RealtimeMetrics metrics,
        TimeProvider time, TimeSpan checkInterval, ILogger logger)
    {
        _topic = topic;
        _connections = connections;
        _keys = keys;
        _store = store;
        _metrics = metrics;
        _logger = logger;
        _checkTimer = time.CreateTimer(_ => Check(), null, checkInterval, checkInterval);
        _loop = Task.Run(RunAsync);
        metrics.Relay(+1);
    }

    /// <summary>Gets the topic.</summary>
    public string Topic => _topic;

    /// <summary>Gets the number of subscribers; the hub changes it under its own lock.</summary>
    public int References { get; set; }

    /// <summary>Completes once the relay listens and knows the newest id.</summary>
    public Task Ready => _ready.Task;

    /// <summary>Adds <paramref name="subscription"/>: from now on it receives every event after the relay's last one.</summary>
    public void Add(TopicSubscription subscription)
    {
        lock (_gate)
        {
            subscription.StartId = _last;
            _subscribers = [.. _subscribers, subscription];
        }
    }

    /// <summary>Removes <paramref name="subscription"/>.</summary>
    public void Remove(TopicSubscription subscription)
    {
        lock (_gate)
        {
            _subscribers = Array.FindAll(_subscribers, s => !ReferenceEquals(s, subscription));
        }
    }

    /// <summary>Asks the relay to compare the newest id in Redis with its own (after a reconnect, on the timer).</summary>
    public void Check() => _inbox.Writer.TryWrite(CheckSignal);

    private async Task RunAsync()
    {
        var token = _stop.Token;
        try
        {
            await StartListeningAsync(token).ConfigureAwait(false);
            await foreach (var work in _inbox.Reader.ReadAllAsync(token).ConfigureAwait(false))
            {
                try
                {
                    await HandleAsync(work).ConfigureAwait(false);
                }
                catch (Exception ex) when (ex is RedisException or TimeoutException)
                {
                    // The check timer asks again; nothing was delivered past the last good id.
                    LogRelayFailed(ex, _topic);
                }
            }
        }
        catch (OperationCanceledException) when (token.IsCancellationRequested)
        {
        }
    }

    private async Task StartListeningAsync(CancellationToken token)
    {
        while (true)
        {
            try
            {
                // Listen first, then read the newest id: an event announced in between is queued and skipped by id.
                _queue ??= await _connections.State.GetSubscriber().SubscribeAsync(_keys.TopicChannel(_topic)).ConfigureAwait(false);
                _queue.OnMessage(message => { _inbox.Writer.TryWrite(message.Message); });
                _last = await _store.LastIdAsync(_topic).ConfigureAwait(false);
                _ready.TrySetResult();
                return;
            }
            catch (Exception ex) when (ex is RedisException or TimeoutException)
            {
                LogRelayFailed(ex, _topic);
                await Task.Delay(TimeSpan.FromSeconds(1), token).ConfigureAwait(false);
            }
        }
    }

    private async Task HandleAsync(object work)
    {
        if (work is RedisValue message)
        {
            if (!TopicStore.TryParseAnnouncement(message, out var previous, out var id, out var topicEvent) || id <= _last)
            {
                return;
            }

            if (previous == _last)
            {
                Deliver(new RelayEvent(id, topicEvent!));
                return;
            }

            _metrics.GapFilled();
            await FillAsync().ConfigureAwait(false);
            return;
        }

        if (await _store.LastIdAsync(_topic).ConfigureAwait(false) > _last)
        {
            _metrics.GapFilled();
            await FillAsync().ConfigureAwait(false);
        }
    }

    private async Task FillAsync()
    {
        while (true)
        {
            var read = await _store.ReadAsync(_topic, _last, FillPageSize).ConfigureAwait(false);
            if (read.Reset)
            {
                // Events this relay never delivered were trimmed: cut every subscriber, whose replay then announces
                // the reset to each, and go on from the newest id.
                LogRelayReset(_topic, _last.ToString());
                CutAll();
                _last = read.Last;
                return;
            }

            foreach (var topicEvent in read.Events)
            {
                var id = TopicEventId.Parse(topicEvent.Id);
                if (id > _last)
                {
                    Deliver(new RelayEvent(id, topicEvent));
                }
            }

            if (read.Events.Count < FillPageSize)
            {
                return;
            }
        }
    }

    private void Deliver(in RelayEvent item)
    {
        lock (_gate)
        {
            _last = item.Id;
            var dropped = false;
            foreach (var subscriber in _subscribers)
            {
                if (!subscriber.Offer(item))
                {
                    _metrics.DroppedSlowClient();
                    dropped = true;
                }
            }

            if (dropped)
            {
                _subscribers = Array.FindAll(_subscribers, s => !s.Overflowed);
            }
        }
    }

    private void CutAll()
    {
        lock (_gate)
        {
            foreach (var subscriber in _subscribers)
            {
                subscriber.Cut();
            }

            _subscribers = [];
        }
    }

    /// <inheritdoc />
    public async ValueTask DisposeAsync()
    {
        _metrics.Relay(-1);
        await _checkTimer.DisposeAsync().ConfigureAwait(false);
        _inbox.Writer.TryComplete();
        await _stop.CancelAsync().ConfigureAwait(false);
        _ready.TrySetCanceled();
        try
        {
            await _loop.ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
        }

        if (_queue is { } queue)
        {
            try
            {
                await queue.UnsubscribeAsync().ConfigureAwait(false);
            }
            catch (Exception ex) when (ex is RedisException or TimeoutException)
            {
                LogRelayFailed(ex, _topic);
            }
        }

        CutAll();
        _stop.Dispose();
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "The relay of topic {Topic} could not reach Redis; it retries")]
    private partial void LogRelayFailed(Exception exception, string topic);

    [LoggerMessage(Level = LogLevel.Warning, Message = "The relay of topic {Topic} fell behind its history (last {LastId}); its subscribers resume by replay")]
    private partial void LogRelayReset(string topic, string lastId);
}
