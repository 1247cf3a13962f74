using System.Collections.Concurrent;
using System.Diagnostics;
using System.Text.Json;
using OrleansRedis.Abstractions.Queues;

namespace OrleansRedis.Tests.Queues;

/// <summary>
/// A test handler that records every run (job id, key, sequence number, start and finish timestamps). The payload may
/// ask for work: <c>{"n": 3, "ms": 2, "fail": true, "raw": "ok", "big": 70000}</c> (sequence number, milliseconds to
/// spend, throw, a result returned as it is, a JSON string result of that many characters).
/// </summary>
public sealed class RecordingHandler : IQueueJobHandler
{
    /// <summary>Gets the recordings of every silo in this process.</summary>
    public static Recorder Recordings { get; } = new();

    /// <inheritdoc />
    public async Task<string?> HandleAsync(QueueJobContext context, CancellationToken cancellationToken)
    {
        var started = Stopwatch.GetTimestamp();
        var n = -1;
        var ms = 0;
        var fail = false;
        string? result = null;
        if (context.Payload.StartsWith('{'))
        {
            using var doc = JsonDocument.Parse(context.Payload);
            n = doc.RootElement.TryGetProperty("n", out var v) ? v.GetInt32() : -1;
            ms = doc.RootElement.TryGetProperty("ms", out var w) ? w.GetInt32() : 0;
            fail = doc.RootElement.TryGetProperty("fail", out var f) && f.GetBoolean();
            result = doc.RootElement.TryGetProperty("raw", out var r) ? r.GetString()
                : doc.RootElement.TryGetProperty("big", out var b) ? JsonSerializer.Serialize(new string('x', b.GetInt32())) : null;
        }

        if (ms > 0)
        {
            await Task.Delay(ms, cancellationToken);
        }

        Recordings.Add(new Run(context.Queue, context.JobId, context.Key, n, context.Attempt, started, Stopwatch.GetTimestamp()));
        if (fail)
        {
            throw new InvalidOperationException($"failing on purpose (attempt {context.Attempt})");
        }

        return result;
    }

    /// <summary>One handler run.</summary>
    public sealed record Run(string Queue, string JobId, string? Key, int N, int Attempt, long Started, long Finished);

    /// <summary>The runs so far.</summary>
    public sealed class Recorder
    {
        private readonly ConcurrentQueue<Run> _runs = new();

        public void Add(Run run) => _runs.Enqueue(run);

        public IReadOnlyList<Run> Of(string queue) => [.. _runs.Where(r => r.Queue == queue)];
    }
}
