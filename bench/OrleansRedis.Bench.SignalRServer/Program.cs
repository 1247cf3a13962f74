using Microsoft.AspNetCore.SignalR;

// Usage: OrleansRedis.Bench.SignalRServer --urls http://127.0.0.1:PORT --redis HOST:PORT
// Prints READY once listening. One hub at /hub: Publish(payload) sends "event" with the payload to every client of
// every server sharing the Redis backplane, the way a SignalR application broadcasts.
var builder = WebApplication.CreateBuilder(args);
builder.Logging.ClearProviders();
builder.Services.AddSignalR().AddStackExchangeRedis(builder.Configuration["redis"] ?? "127.0.0.1:6379,abortConnect=false");
var app = builder.Build();
app.MapHub<BroadcastHub>("/hub");
app.Lifetime.ApplicationStarted.Register(() => Console.WriteLine("READY"));
await app.RunAsync();

/// <summary>Broadcasts a published payload to every connected client.</summary>
internal sealed class BroadcastHub : Hub
{
    /// <summary>Sends <paramref name="payload"/> to all clients; completes once the backplane has published it.</summary>
    public Task Publish(string payload) => Clients.All.SendAsync("event", payload);
}
