using System.Collections.Concurrent;
using System.Diagnostics;
using OrleansRedis.Testing;

namespace OrleansRedis.Tests.Infrastructure;

/// <summary>
/// Records every span that ends while it lives, of ASP.NET Core, Orleans, the project and the test's own caller source,
/// and starts caller spans whose trace id picks this test's spans out of the ones parallel tests make.
/// </summary>
public sealed class ActivityRecorder : IDisposable
{
    /// <summary>The test's own source, the caller of the code under test.</summary>
    public const string CallerSourceName = "OrleansRedis.Tests.Caller";

    private static readonly ActivitySource CallerSource = new(CallerSourceName);
    private readonly ActivityListener _listener;
    private readonly ConcurrentQueue<Activity> _stopped = new();

    public ActivityRecorder()
    {
        _listener = new ActivityListener
        {
            ShouldListenTo = source => source.Name.StartsWith("OrleansRedis.", StringComparison.Ordinal)
                || source.Name.StartsWith("Microsoft.Orleans", StringComparison.Ordinal)
                || source.Name == "Microsoft.AspNetCore",
            Sample = (ref ActivityCreationOptions<ActivityContext> _) => ActivitySamplingResult.AllDataAndRecorded,
            ActivityStopped = _stopped.Enqueue,
        };
        ActivitySource.AddActivityListener(_listener);
    }

    /// <summary>Starts a caller span (the test's "request").</summary>
    public static Activity StartCaller(string name = "test") =>
        CallerSource.StartActivity(name) ?? throw new InvalidOperationException("The recorder must be listening.");

    /// <summary>Gets the ended spans of <paramref name="traceId"/>.</summary>
    public IReadOnlyList<Activity> Trace(ActivityTraceId traceId) => [.. _stopped.Where(a => a.TraceId == traceId)];

    /// <summary>Waits until a span of <paramref name="traceId"/> satisfies <paramref name="match"/> (spans end after the answer).</summary>
    public async Task<Activity> WaitForAsync(ActivityTraceId traceId, Func<Activity, bool> match)
    {
        Activity? found = null;
        await Eventually.TrueAsync(
            () => Task.FromResult((found = Trace(traceId).FirstOrDefault(match)) is not null), TimeSpan.FromSeconds(30), "the span to end");
        return found!;
    }

    /// <inheritdoc />
    public void Dispose() => _listener.Dispose();
}
