using System.Net;
using Orleans.Configuration;
using OrleansRedis.Abstractions.RateLimiting;
using OrleansRedis.Abstractions.Sessions;
using OrleansRedis.Grains.Hosting;
using OrleansRedis.Grains.RateLimiting;
using OrleansRedis.Redis;
using OrleansRedis.Redis.RateLimiting;
using OrleansRedis.Redis.Sessions;
using StackExchange.Redis;

// The co-hosted path: an app server that is also a silo. Each operation has two endpoints that answer the same way,
// /grain/... through the silo's local grain and /direct/... with the same Lua script on the same shared connection,
// so the benchmark compares the two over HTTP with one client; AdapterEndpoints adds the ASP.NET Core adapters beside
// their usual alternatives. Settings as the silo host reads them:
// OrleansRedis:Redis:State, OrleansRedis:Cluster:{ClusterId,ServiceId,SiloPort,GatewayPort}, OrleansRedis:Http:Port.
var builder = WebApplication.CreateBuilder(args);
builder.Logging.SetMinimumLevel(LogLevel.Warning);
var cluster = builder.Configuration.GetSection("OrleansRedis:Cluster");
builder.WebHost.UseUrls($"http://127.0.0.1:{builder.Configuration["OrleansRedis:Http:Port"]}");
builder.UseOrleans(silo =>
{
    silo.Configure<ClusterOptions>(options =>
    {
        options.ClusterId = cluster["ClusterId"] ?? throw new InvalidOperationException("OrleansRedis:Cluster:ClusterId is required.");
        options.ServiceId = cluster["ServiceId"] ?? throw new InvalidOperationException("OrleansRedis:Cluster:ServiceId is required.");
    });
    silo.ConfigureEndpoints(IPAddress.Loopback, cluster.GetValue<int>("SiloPort"), cluster.GetValue<int>("GatewayPort"));
    silo.UseOrleansRedis();
});
builder.Services.AddAdapters();

var app = builder.Build();
app.MapAdapters();

// Kestrel listens once the silo has started, so an answer here means the silo is up.
app.MapGet("/health/ready", () => Results.Ok());

app.MapPost("/grain/ratelimit/{policy}/{subject}", async (string policy, string subject, IGrainFactory grains) =>
    Decision((await grains.GetRateLimitGrain(policy, subject).CheckAsync()).Allowed));

// What an app without the grain does: the project's sliding-log script, one call per request.
app.MapPost("/direct/ratelimit/{policy}/{subject}", async (string policy, string subject, RedisConnections redis, RateLimitPolicies policies) =>
{
    policies.TryGet(policy, out var settings);
    var reply = ScriptReply.Read(await redis.State.GetDatabase().ScriptEvaluateAsync(
        RateLimitStore.SlidingLogScript,
        [(RedisKey)$"or:ratelimit:{{{policy}/{subject}}}:log"],
        [settings!.Limit, RateLimitStore.Microseconds(settings.Window), Random.Shared.NextInt64().ToString("x"), 1]), "sliding log");
    return Decision((long)reply.Array(CoHostReplies.Allowed)[0] == 1);
});

app.MapGet("/grain/sessions/{id}", async (string id, IGrainFactory grains) =>
    await grains.GetSession(id).GetAsync() is { } session ? Results.Text(session.Data, "application/json") : Results.NotFound());

// The grain's one sliding script, run on every read (no in-memory copy to answer from).
app.MapGet("/direct/sessions/{id}", async (string id, RedisConnections redis) =>
{
    var reply = ScriptReply.Read(await redis.State.GetDatabase().ScriptEvaluateAsync(
        SessionStore.SlideScript, [(RedisKey)$"or:session:{{{SessionIds.Hash(id)}}}"], [RedisValue.EmptyString]), "session slide");
    return reply.String(CoHostReplies.Status) == "found"
        ? Results.Text(reply.String(CoHostReplies.Data), "application/json")
        : Results.NotFound();
});

app.Run();

static IResult Decision(bool allowed) => allowed ? Results.Ok() : Results.StatusCode(StatusCodes.Status429TooManyRequests);

/// <summary>The script reply fields the direct endpoints read, as the stores read them.</summary>
internal static class CoHostReplies
{
    public static readonly ReplyField Allowed = new("allowed");

    public static readonly ReplyField Status = new("status");

    public static readonly ReplyField Data = new("data");
}
