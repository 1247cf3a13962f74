using System.Net;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using OrleansRedis.AspNetCore.Sessions;

namespace OrleansRedis.Tests.Adapters;

/// <summary>
/// <c>HttpContext.Session</c> over <see cref="OrleansRedisSessionStore"/> in a real app on a real cluster, side by side
/// with the framework's <c>DistributedSession</c>: commits merge the changed keys only, and a request that never
/// writes creates nothing.
/// </summary>
[Collection(AdapterClusterCollection.Name)]
public sealed class SessionStoreTests(AdapterClusterFixture fixture)
{
    [Fact]
    public async Task ConcurrentRequests_ChangingDifferentKeys_OrleansRedisKeepsBoth_DistributedSessionLosesOne()
    {
        await using var ours = await StartAsync(orleansRedis: true);
        await using var framework = await StartAsync(orleansRedis: false);

        Assert.Equal("a,b,seed", await RaceAsync(ours));

        // DistributedSession writes the whole blob it loaded: the later of the two commits drops the other's key.
        var kept = await RaceAsync(framework);
        Assert.True(kept is "a,seed" or "b,seed", $"DistributedSession kept '{kept}'.");
    }

    [Fact]
    public async Task Request_ThatNeverWrites_SetsNoCookieAndWritesNothingToRedis()
    {
        await using var app = await StartAsync(orleansRedis: true);
        var before = (await fixture.ScanKeysAsync("or:session:*")).Count;

        var read = await app.Browser().GetAsync("/s/theme");

        Assert.Equal(HttpStatusCode.OK, read.StatusCode);
        Assert.False(read.Headers.Contains("Set-Cookie"));
        Assert.Equal(before, (await fixture.ScanKeysAsync("or:session:*")).Count);
    }

    [Fact]
    public async Task SetThenGet_LaterRequest_ReadsTheValueFromTheSession()
    {
        await using var app = await StartAsync(orleansRedis: true);
        var browser = app.Browser();
        var before = (await fixture.ScanKeysAsync("or:session:*")).Count;

        (await browser.PutAsync("/s/theme?v=dark", null)).EnsureSuccessStatusCode();

        Assert.Equal("dark", await browser.GetStringAsync("/s/theme"));
        Assert.Equal(before + 1, (await fixture.ScanKeysAsync("or:session:*")).Count);
    }

    // Creates the session, then sends two requests that both load it before either sets its key.
    private static async Task<string> RaceAsync(AdapterApp app)
    {
        var browser = app.Browser();
        (await browser.PutAsync("/s/seed?v=1", null)).EnsureSuccessStatusCode();
        var gate = app.Services.GetRequiredService<RaceGate>();
        var both = await Task.WhenAll(browser.PutAsync("/race/a", null), browser.PutAsync("/race/b", null));
        Assert.All(both, r => r.EnsureSuccessStatusCode());
        Assert.True(gate.Passed);
        return await browser.GetStringAsync("/keys");
    }

    private Task<AdapterApp> StartAsync(bool orleansRedis) => AdapterApp.StartAsync(
        fixture,
        services =>
        {
            if (orleansRedis)
            {
                services.AddOrleansRedisSessionStore();
            }
            else
            {
                services.AddDistributedMemoryCache();
            }

            services.AddSession();
            services.AddSingleton<RaceGate>();
        },
        app =>
        {
            app.UseSession();
            app.MapGet("/s/{key}", async (HttpContext context, string key) =>
            {
                await context.Session.LoadAsync();
                return context.Session.GetString(key) ?? string.Empty;
            });
            app.MapPut("/s/{key}", async (HttpContext context, string key, string v) =>
            {
                await context.Session.LoadAsync();
                context.Session.SetString(key, v);
            });
            app.MapPut("/race/{key}", async (HttpContext context, string key, RaceGate gate) =>
            {
                await context.Session.LoadAsync();
                await gate.ArriveAsync();
                context.Session.SetString(key, "1");
            });
            app.MapGet("/keys", async (HttpContext context) =>
            {
                await context.Session.LoadAsync();
                return string.Join(',', context.Session.Keys.Order(StringComparer.Ordinal));
            });
        });

    /// <summary>Holds each racing request after its load until both have loaded.</summary>
    private sealed class RaceGate
    {
        private readonly TaskCompletionSource _both = new(TaskCreationOptions.RunContinuationsAsynchronously);
        private int _arrived;

        public bool Passed => _both.Task.IsCompletedSuccessfully;

        public Task ArriveAsync()
        {
            if (Interlocked.Increment(ref _arrived) == 2)
            {
                _both.SetResult();
            }

            return _both.Task.WaitAsync(TimeSpan.FromSeconds(30));
        }
    }
}
