using System.Diagnostics;
using Microsoft.Extensions.DependencyInjection;
using OrleansRedis.Abstractions.Diagnostics;
using OrleansRedis.Abstractions.Locks;
using OrleansRedis.Abstractions.Queues;
using OrleansRedis.Abstractions.RateLimiting;
using OrleansRedis.Abstractions.Realtime;
using OrleansRedis.Abstractions.Sessions;
using OrleansRedis.Redis.Operations;
using OrleansRedis.Tests.Infrastructure;
using OrleansRedis.Tests.Queues;
using StackExchange.Redis;

namespace OrleansRedis.Tests.Foundation;

/// <summary>
/// Each capability's source emits its decision span, inside the caller's trace, with namespaced attributes and the
/// Redis script span as its child; a script Redis refuses fails both spans with <c>error.type</c>.
/// </summary>
[Collection(QueueClusterCollection.Name)] // the queue fixture also defines rate-limit policies
public sealed class CapabilitySpanTests(QueueClusterFixture fixture)
{
    public static TheoryData<string> Capabilities => [.. Calls.Keys];

    // Per capability: the call, the source, the decision span, an attribute it must carry, its script span.
    private static readonly Dictionary<string, (Func<QueueClusterFixture, Task> Call, string Source, string Span, string Attribute, string? Script)> Calls = new()
    {
        ["ratelimit"] = (f => f.Grains.GetRateLimitGrain("qrate", Guid.NewGuid().ToString("N")).CheckAsync(),
            OrleansRedisActivitySources.RateLimitingName, "ratelimit.check", "orleansredis.ratelimit.policy", "rate-limit sliding log"),
        ["locks"] = (f => f.Grains.GetGrain<ILockGrain>($"span-{Guid.NewGuid():N}").AcquireAsync("owner", TimeSpan.FromMinutes(1), TimeSpan.Zero),
            OrleansRedisActivitySources.LocksName, "lock.acquire", "orleansredis.lock.fencing_token", "lock acquire"),
        ["sessions"] = (f => f.Grains.CreateSessionAsync(new SessionDraft("span-user", "{}")),
            OrleansRedisActivitySources.SessionsName, "session.create", "orleansredis.session.found", "session create"),
        ["queues"] = (f => f.Grains.GetGrain<IQueueGrain>(QueueClusterFixture.External).EnqueueAsync(new JobSpec("{}")),
            OrleansRedisActivitySources.QueuesName, "queue.enqueue", "orleansredis.queue.name", "queue enqueue"),
        ["realtime"] = (f => f.Grains.GetGrain<ITopicGrain>($"span-{Guid.NewGuid():N}").PublishAsync(null, "{}"),
            OrleansRedisActivitySources.RealtimeName, "topic.publish", "orleansredis.topic.event.id", "topic publish"),
        ["operations"] = (f => f.FromEachSilo<RedisMemoryInspector>()[0].GetReportAsync(RedisRole.State),
            OrleansRedisActivitySources.OperationsName, "operations.memory_report", null!, null),
    };

    [Theory]
    [MemberData(nameof(Capabilities))]
    public async Task Call_EmitsTheDecisionSpanWithNamespacedAttributes_AndTheScriptAsItsChild(string capability)
    {
        var (call, source, span, attribute, script) = Calls[capability];
        using var recorder = new ActivityRecorder();
        ActivityTraceId trace;
        using (var caller = ActivityRecorder.StartCaller())
        {
            trace = caller.TraceId;
            await call(fixture);
        }

        var decision = await recorder.WaitForAsync(trace, a => a.Source.Name == source && a.OperationName == span);
        Assert.Equal(ActivityStatusCode.Unset, decision.Status);
        Assert.All(decision.TagObjects, tag => Assert.StartsWith("orleansredis.", tag.Key));
        if (attribute is not null)
        {
            Assert.NotNull(decision.GetTagItem(attribute));
        }

        if (script is not null)
        {
            var child = await recorder.WaitForAsync(trace, a => a.OperationName == script && a.ParentSpanId == decision.SpanId);
            Assert.Equal((ActivityKind.Client, "redis", script), (child.Kind, child.GetTagItem("db.system.name"), child.GetTagItem("db.operation.name")));
        }
    }

    [Fact]
    public async Task Script_RedisRefuses_FailsTheScriptAndTheDecisionSpanWithTheErrorType()
    {
        // A hash where the lease string belongs: GET answers WRONGTYPE inside the acquire script.
        var name = $"span-wrongtype-{Guid.NewGuid():N}";
        var keys = fixture.FromEachSilo<OrleansRedis.Redis.RedisKeys>()[0];
        await fixture.RedisConnection.GetDatabase().HashSetAsync(keys.Lock(name), "not", "a lease");
        using var recorder = new ActivityRecorder();
        ActivityTraceId trace;
        using (var caller = ActivityRecorder.StartCaller())
        {
            trace = caller.TraceId;
            await Assert.ThrowsAnyAsync<Exception>(() => fixture.Grains.GetGrain<ILockGrain>(name).AcquireAsync("owner", TimeSpan.FromMinutes(1), TimeSpan.Zero));
        }

        var script = await recorder.WaitForAsync(trace, a => a.OperationName == "lock acquire");
        var decision = await recorder.WaitForAsync(trace, a => a.OperationName == "lock.acquire");
        Assert.Equal((ActivityStatusCode.Error, typeof(RedisServerException).FullName), (script.Status, script.GetTagItem("error.type")));
        Assert.Equal(ActivityStatusCode.Error, decision.Status);
        Assert.NotNull(decision.GetTagItem("error.type"));
    }
}
