var builder = DistributedApplication.CreateBuilder(args);

// The Redis resource "redis": ConnectionStrings:redis in the web app, the name its keyed multiplexer is registered under.
var redis = builder.AddRedis("redis");

// Orleans clustering and the grain storage "orleansredis" (the project's probe grain's) on that Redis: Aspire injects
// Orleans:ClusterId, ServiceId, Clustering and GrainStorage, and free silo and gateway ports per replica.
var orleans = builder.AddOrleans("cluster")
    .WithClustering(redis)
    .WithGrainStorage("orleansredis", redis);

builder.AddProject<Projects.OrleansRedis_WebApp>("webapp")
    .WithReference(orleans)
    .WithReference(redis)
    .WaitFor(redis)
    .WithReplicas(2)
    .WithExternalHttpEndpoints();

builder.Build().Run();
