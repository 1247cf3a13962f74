using System.Diagnostics;
using System.Net;
using OrleansRedis.Abstractions.Diagnostics;
using OrleansRedis.Tests.Infrastructure;

namespace OrleansRedis.Tests.WebApps;

/// <summary>
/// One HTTP request to an app that co-hosts the silo is one trace: ASP.NET Core's request span, Orleans' grain call
/// spans, the capability's decision span and the Redis script span under it, all descending from the caller's span.
/// </summary>
[Collection(EmbeddedAppCollection.Name)]
public sealed class TracingTests(EmbeddedAppFixture fixture)
{
    [Fact]
    public async Task HttpRequest_ToACoHostedSilo_IsOneTraceFromTheCallerToTheRedisScript()
    {
        using var recorder = new ActivityRecorder();
        var caller = ActivityRecorder.StartCaller();
        caller.Stop();
        using var request = EmbeddedAppTests.Request(
            HttpMethod.Post, $"/api/locks/traced-{Guid.NewGuid():N}", "alice", new { owner = "alice", leaseMs = 60000, waitMs = 0 });
        request.Headers.Add("traceparent", caller.Id);

        using var response = await fixture.First.SendAsync(request);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var script = await recorder.WaitForAsync(caller.TraceId, a => a.OperationName == "lock acquire");
        var server = await recorder.WaitForAsync(caller.TraceId, a => a.Source.Name == "Microsoft.AspNetCore");
        var trace = recorder.Trace(caller.TraceId);
        var decision = Assert.Single(trace, a => a.Source.Name == OrleansRedisActivitySources.LocksName && a.OperationName == "lock.acquire");
        Assert.Contains(trace, a => a.Source.Name.StartsWith("Microsoft.Orleans", StringComparison.Ordinal));

        // The Redis script is the decision's child; the decision descends from the request, which descends from the caller.
        Assert.Equal(decision.SpanId, script.ParentSpanId);
        Assert.Equal(ActivityKind.Client, script.Kind);
        Assert.Equal("redis", script.GetTagItem("db.system.name"));
        var ancestors = Ancestors(decision, trace);
        Assert.Contains(server.SpanId, ancestors);
        Assert.Equal(caller.SpanId, ancestors[^1]);
        Assert.Equal(true, decision.GetTagItem("orleansredis.lock.acquired"));
    }

    // The span ids from the span's parent up to the first one not recorded here (the caller, whose span ended first).
    private static List<ActivitySpanId> Ancestors(Activity span, IReadOnlyList<Activity> trace)
    {
        var chain = new List<ActivitySpanId>();
        for (var parent = span.ParentSpanId; parent != default; parent = trace.FirstOrDefault(a => a.SpanId == parent)?.ParentSpanId ?? default)
        {
            chain.Add(parent);
            if (chain.Count > 50)
            {
                break;
            }
        }

        return chain;
    }
}
