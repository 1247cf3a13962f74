using System.Net.Http.Json;
using OrleansRedis.Bench.Harness;
using OrleansRedis.Client.Realtime;

namespace OrleansRedis.Bench.Realtime;

/// <summary>
/// This project's path: events published over HTTP to <c>POST /topics/{topic}/events</c> of the two benchmark silos,
/// subscribers over Server-Sent Events with <see cref="TopicSubscriber"/>, which reconnects with <c>Last-Event-ID</c>
/// (to the other silo after a failure) as a browser's <c>EventSource</c> would.
/// </summary>
public sealed class OrleansRedisRealtimeSystem(BenchEnvironment environment) : RealtimeSystem
{
    private readonly string _topic = $"bench-rt-{Guid.NewGuid():N}";
    private readonly HttpClient _streams = new() { Timeout = Timeout.InfiniteTimeSpan };

    /// <inheritdoc />
    public override string Name => "OrleansRedis topics (HTTP publish, SSE)";

    private IReadOnlyList<Uri> Silos => environment.Silos.Select(s => new Uri($"http://127.0.0.1:{s.HttpPort}/")).ToList();

    /// <inheritdoc />
    public override Task<IAsyncDisposable> SubscribeAsync(int index, Action<string> received)
    {
        var silos = Silos;
        var ordered = silos.Skip(index % silos.Count).Concat(silos.Take(index % silos.Count)).ToList();
        var subscriber = new TopicSubscriber(_streams, ordered);
        var stop = new CancellationTokenSource();
        var reading = Task.Run(async () =>
        {
            try
            {
                await foreach (var topicEvent in subscriber.SubscribeAsync(_topic, cancellationToken: stop.Token))
                {
                    // data is the JSON string the publisher sent.
                    received(topicEvent.Data.Trim('"'));
                }
            }
            catch (OperationCanceledException) when (stop.IsCancellationRequested)
            {
            }
        });
        return Task.FromResult<IAsyncDisposable>(new Subscription(stop, reading));
    }

    /// <inheritdoc />
    public override async Task PublishAsync(int publisher, string payload, CancellationToken cancellationToken)
    {
        var silo = environment.Silos[publisher % environment.Silos.Count];
        using var response = await silo.Http.PostAsJsonAsync($"/topics/{_topic}/events", new { type = "bench", data = payload }, cancellationToken);
        response.EnsureSuccessStatusCode();
    }

    /// <inheritdoc />
    public override ValueTask DisposeAsync()
    {
        _streams.Dispose();
        return ValueTask.CompletedTask;
    }

    private sealed class Subscription(CancellationTokenSource stop, Task reading) : IAsyncDisposable
    {
        public async ValueTask DisposeAsync()
        {
            await stop.CancelAsync();
            await reading;
            stop.Dispose();
        }
    }
}
