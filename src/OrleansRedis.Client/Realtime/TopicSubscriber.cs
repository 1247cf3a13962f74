using System.Net.Http.Headers;
using System.Net.ServerSentEvents;
using System.Runtime.CompilerServices;
using OrleansRedis.Abstractions.Realtime;

namespace OrleansRedis.Client.Realtime;

/// <summary>
/// Subscribes to a topic over Server-Sent Events as an <see cref="IAsyncEnumerable{T}"/> that survives disconnects:
/// when the stream ends or a silo dies, it reconnects (to the next silo of its list) with <c>Last-Event-ID</c> set to
/// the last event it yielded, so the silo replays the missed events from Redis first. The enumeration therefore
/// yields every event after the starting id once, in topic order, until it is cancelled; a trimmed history comes as
/// one event of type <see cref="RealtimeLimits.ResetType"/>.
/// </summary>
/// <param name="http">The client for the requests; its timeout must not cut long streams (use <see cref="Timeout.InfiniteTimeSpan"/>).</param>
/// <param name="silos">The silos' base addresses, tried in turn (e.g. <c>http://silo-a:8080</c>, <c>http://silo-b:8081</c>).</param>
public sealed class TopicSubscriber(HttpClient http, IReadOnlyList<Uri> silos)
{
    private static readonly TimeSpan MaxDelay = TimeSpan.FromSeconds(5);

    /// <summary>Gets or sets the pause before reconnecting after a failed attempt on every silo (doubled up to 5 s).</summary>
    /// <value>The default is 250 ms; a server's <c>retry:</c> hint replaces it.</value>
    public TimeSpan ReconnectDelay { get; set; } = TimeSpan.FromMilliseconds(250);

    /// <summary>Gets how many times the subscription reconnected so far.</summary>
    public int Reconnects { get; private set; }

    /// <summary>
    /// Yields the events of <paramref name="topic"/> after <paramref name="after"/> (live only when
    /// <see langword="null"/>), reconnecting with the last id until <paramref name="cancellationToken"/> is cancelled.
    /// </summary>
    public async IAsyncEnumerable<TopicEvent> SubscribeAsync(
        string topic, string? after = null, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        if (silos.Count == 0)
        {
            throw new ArgumentException("At least one silo address is required.", nameof(silos));
        }

        var last = after;
        var silo = 0;
        var delay = ReconnectDelay;
        var failures = 0;
        while (!cancellationToken.IsCancellationRequested)
        {
            var baseUri = silos[silo % silos.Count];
            using var request = new HttpRequestMessage(HttpMethod.Get, new Uri(baseUri, $"topics/{Uri.EscapeDataString(topic)}/events"));
            request.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue("text/event-stream"));
            if (last is not null)
            {
                request.Headers.Add("Last-Event-ID", last);
            }

            HttpResponseMessage? response = null;
            Stream? body = null;
            try
            {
                response = await http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, cancellationToken).ConfigureAwait(false);
                if ((int)response.StatusCode is >= 400 and < 500)
                {
                    // Bad input (topic name, id) does not get better by retrying.
                    throw new HttpRequestException($"The silo refused the subscription: {(int)response.StatusCode}.", null, response.StatusCode);
                }

                response.EnsureSuccessStatusCode();
                body = await response.Content.ReadAsStreamAsync(cancellationToken).ConfigureAwait(false);
            }
            catch (HttpRequestException ex) when (ex.StatusCode is null or >= System.Net.HttpStatusCode.InternalServerError)
            {
                response?.Dispose();
                silo++;
                failures++;
                Reconnects++;
                await Task.Delay(failures % silos.Count == 0 ? Next(ref delay) : TimeSpan.Zero, cancellationToken).ConfigureAwait(false);
                continue;
            }

            using (response)
            await using (body)
            {
                var parser = SseParser.Create(body);
                var items = parser.EnumerateAsync(cancellationToken).GetAsyncEnumerator(cancellationToken);
                while (true)
                {
                    bool more;
                    try
                    {
                        more = await items.MoveNextAsync().ConfigureAwait(false);
                    }
                    catch (Exception ex) when (ex is IOException or HttpRequestException && !cancellationToken.IsCancellationRequested)
                    {
                        more = false;
                    }

                    if (!more)
                    {
                        break;
                    }

                    var item = items.Current;
                    if (item.EventType is "ready")
                    {
                        failures = 0;
                        delay = ReconnectDelay;
                        continue;
                    }

                    if (item.EventType is "cut")
                    {
                        delay = parser.ReconnectionInterval > TimeSpan.Zero ? parser.ReconnectionInterval : delay;
                        continue;
                    }

                    if (item.EventType == RealtimeLimits.ResetType)
                    {
                        yield return new TopicEvent(last ?? string.Empty, RealtimeLimits.ResetType, item.Data);
                        continue;
                    }

                    if (item.EventId is { Length: > 0 } id)
                    {
                        last = id;
                        yield return new TopicEvent(id, item.EventType, item.Data);
                    }
                }

                await items.DisposeAsync().ConfigureAwait(false);
            }

            // The stream ended (cut for being slow, silo stopping, connection lost): resume after the last id.
            Reconnects++;
            failures++;
            if (failures > 1)
            {
                silo++;
            }

            await Task.Delay(failures > silos.Count ? Next(ref delay) : TimeSpan.FromMilliseconds(50), cancellationToken).ConfigureAwait(false);
        }
    }

    private static TimeSpan Next(ref TimeSpan delay)
    {
        var current = delay;
        delay = TimeSpan.FromTicks(Math.Min(delay.Ticks * 2, MaxDelay.Ticks));
        return current;
    }
}
