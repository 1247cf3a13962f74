using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using OrleansRedis.Testing;
using OrleansRedis.Tests.Foundation;
using OrleansRedis.Tests.Infrastructure;

namespace OrleansRedis.Tests.Locks;

/// <summary>The <c>/locks</c> HTTP contract on real silo processes: status codes, bodies, headers and bad input.</summary>
[Collection(SiloProcessCollection.Name)]
public sealed class LocksHttpTests(SiloProcessFixture fixture)
{
    private HttpClient Http => fixture.Silos[0].Http;

    [Fact]
    public async Task AcquireExtendRelease_ThroughBothSilos_FollowTheContract()
    {
        var name = NewName();

        // 30 s: the lease must still run through the busy answer, the read and the extend that follow, however long
        // a loaded machine takes over those calls.
        using var acquired = await Http.PostAsJsonAsync($"/locks/{name}", new { owner = "alice", leaseMs = 30_000, waitMs = 0 });
        var lease = await acquired.Content.ReadFromJsonAsync<JsonElement>();
        var token = lease.GetProperty("token").GetString()!;
        using var busy = await fixture.Silos[1].Http.PostAsJsonAsync($"/locks/{name}", new { owner = "bob", leaseMs = 5000, waitMs = 100 });
        var busyBody = await ProblemAssert.IsAsync(busy, HttpStatusCode.Conflict);
        var state = await fixture.Silos[1].Http.GetFromJsonAsync<JsonElement>($"/locks/{name}");
        using var extended = await fixture.Silos[1].Http.PostAsJsonAsync($"/locks/{name}/extend", new { token, leaseMs = 60_000 });
        var extendedBody = await extended.Content.ReadFromJsonAsync<JsonElement>();
        using var released = await Http.DeleteAsync($"/locks/{name}?token={Uri.EscapeDataString(token)}");
        using var releasedAgain = await Http.DeleteAsync($"/locks/{name}?token={Uri.EscapeDataString(token)}");
        var releasedAgainBody = await ProblemAssert.IsAsync(releasedAgain, HttpStatusCode.Conflict);
        using var extendReleased = await Http.PostAsJsonAsync($"/locks/{name}/extend", new { token, leaseMs = 1000 });
        var free = await Http.GetFromJsonAsync<JsonElement>($"/locks/{name}");

        Assert.Equal(HttpStatusCode.OK, acquired.StatusCode);
        Assert.Equal(1, lease.GetProperty("fencingToken").GetInt64());
        Assert.True(lease.GetProperty("expiresAtUtc").GetDateTimeOffset() > DateTimeOffset.UtcNow.AddSeconds(2));
        Assert.InRange(int.Parse(busy.Headers.RetryAfter!.ToString()), 1, 30);
        Assert.Equal("alice", busyBody.GetProperty("holder").GetString());
        Assert.True(busyBody.GetProperty("retryAfterMs").GetInt64() > 0);
        Assert.Equal((true, "alice", 1L), (state.GetProperty("held").GetBoolean(), state.GetProperty("owner").GetString(), state.GetProperty("fencingToken").GetInt64()));
        Assert.Equal(HttpStatusCode.OK, extended.StatusCode);
        // Later than the 30 s lease it replaced could reach: the extension moved the expiry.
        Assert.True(extendedBody.GetProperty("expiresAtUtc").GetDateTimeOffset() > lease.GetProperty("expiresAtUtc").GetDateTimeOffset().AddSeconds(15));
        Assert.Equal(HttpStatusCode.NoContent, released.StatusCode);
        Assert.Contains("expired or belongs to someone else", releasedAgainBody.GetProperty("detail").GetString());
        Assert.Equal(HttpStatusCode.Conflict, extendReleased.StatusCode);
        Assert.False(free.GetProperty("held").GetBoolean());
        Assert.Equal(1, free.GetProperty("fencingToken").GetInt64());
    }

    [Fact]
    public async Task Acquire_WithWait_QueuesUntilReleasedThenGetsNextFence()
    {
        var name = NewName();
        var first = (await LockHttp.AcquireAsync(Http, name, "alice", 30_000, 0))!;

        var waiting = LockHttp.AcquireAsync(fixture.Silos[1].Http, name, "bob", 5000, 10_000);
        await Eventually.TrueAsync(async () => (await LockHttp.StateAsync(Http, name)).GetProperty("waiters").GetInt32() == 1, TimeSpan.FromSeconds(30), "bob queues");
        await LockHttp.ReleaseAsync(Http, name, first.Token);
        var second = await waiting;

        Assert.Equal(first.FencingToken + 1, second?.FencingToken);
    }

    [Theory]
    [InlineData("""{"owner":"a","leaseMs":0}""", "leaseMs")]
    [InlineData("""{"owner":"a","leaseMs":-1}""", "leaseMs")]
    [InlineData("""{"owner":"a","leaseMs":600001}""", "leaseMs")]
    [InlineData("""{"owner":"a"}""", "leaseMs")]
    [InlineData("""{"leaseMs":1000}""", "owner")]
    [InlineData("""{"owner":"","leaseMs":1000}""", "owner")]
    [InlineData("""{"owner":"a","leaseMs":1000,"waitMs":-1}""", "waitMs")]
    [InlineData("""{"owner":"a","leaseMs":1000,"waitMs":20001}""", "waitMs")]
    [InlineData("""{"owner":"a","leaseMs":"soon"}""", null)]
    [InlineData("""not json""", null)]
    public async Task Acquire_BadBody_Returns400ProblemJsonAndTakesNothing(string body, string? field)
    {
        var name = NewName();

        using var response = await Http.PostAsync($"/locks/{name}", new StringContent(body, Encoding.UTF8, "application/json"));
        var state = await LockHttp.StateAsync(Http, name);

        if (field is null)
        {
            await ProblemAssert.IsAsync(response, HttpStatusCode.BadRequest);
        }
        else
        {
            await ProblemAssert.IsInvalidAsync(response, field);
        }

        Assert.False(state.GetProperty("held").GetBoolean());
    }

    [Fact]
    public async Task AllRoutes_BadName_Return400ProblemJson()
    {
        var tooLong = new string('n', 257);
        var control = Uri.EscapeDataString("bad\u0001name");

        foreach (var name in new[] { tooLong, control, ProblemAssert.LongKey })
        {
            using var acquire = await Http.PostAsJsonAsync($"/locks/{name}", new { owner = "a", leaseMs = 1000 });
            using var extend = await Http.PostAsJsonAsync($"/locks/{name}/extend", new { token = "t", leaseMs = 1000 });
            using var release = await Http.DeleteAsync($"/locks/{name}?token=t");
            using var state = await Http.GetAsync($"/locks/{name}");

            foreach (var response in new[] { acquire, extend, release, state })
            {
                await ProblemAssert.IsInvalidAsync(response, "name");
            }
        }
    }

    [Fact]
    public async Task ExtendAndRelease_BadTokenOrLease_Return400()
    {
        var name = NewName();
        var lease = (await LockHttp.AcquireAsync(Http, name, "alice", 30_000, 0))!;

        using var noToken = await Http.DeleteAsync($"/locks/{name}");
        using var zeroLease = await Http.PostAsJsonAsync($"/locks/{name}/extend", new { token = lease.Token, leaseMs = 0 });
        using var hugeLease = await Http.PostAsJsonAsync($"/locks/{name}/extend", new { token = lease.Token, leaseMs = 600_001 });
        using var longToken = await Http.PostAsJsonAsync($"/locks/{name}/extend", new { token = new string('t', 129), leaseMs = 1000 });
        using var craftedToken = await Http.DeleteAsync($"/locks/{name}?token={Uri.EscapeDataString($"{lease.Token}:{lease.FencingToken}")}");
        using var longQueryToken = await Http.DeleteAsync($"/locks/{name}?token={ProblemAssert.LongKey}");
        var state = await LockHttp.StateAsync(Http, name);

        await ProblemAssert.IsInvalidAsync(noToken, "token");
        await ProblemAssert.IsInvalidAsync(zeroLease, "leaseMs");
        await ProblemAssert.IsInvalidAsync(hugeLease, "leaseMs");
        await ProblemAssert.IsInvalidAsync(longToken, "token");
        await ProblemAssert.IsInvalidAsync(craftedToken, "token");
        await ProblemAssert.IsInvalidAsync(longQueryToken, "token");
        Assert.Equal((true, lease.FencingToken), (state.GetProperty("held").GetBoolean(), state.GetProperty("fencingToken").GetInt64()));
    }

    [Fact]
    public async Task Metrics_AfterRefusedRelease_ExportLockMeter()
    {
        var name = NewName();
        var lease = (await LockHttp.AcquireAsync(Http, name, "alice", 30_000, 0))!;
        var before = await SumAsync("orleansredis_locks_releases_refused_total");

        Assert.Equal(HttpStatusCode.Conflict, await LockHttp.ReleaseAsync(Http, name, "someone-else"));
        Assert.Equal(HttpStatusCode.Conflict, await LockHttp.ReleaseAsync(Http, name, "someone-else-again"));
        Assert.Equal(HttpStatusCode.NoContent, await LockHttp.ReleaseAsync(Http, name, lease.Token));

        await Eventually.TrueAsync(async () => await SumAsync("orleansredis_locks_releases_refused_total") - before == 2,
            TimeSpan.FromSeconds(30), "two refused releases are counted");
        Assert.True(await SumAsync("orleansredis_locks_acquisitions_total") >= 1);
    }

    // Sums a counter over both silos (the lock's activation lives on one of them).
    private async Task<double> SumAsync(string metric)
    {
        double sum = 0;
        foreach (var silo in fixture.Silos)
        {
            var text = await silo.Http.GetStringAsync("/metrics");
            sum += text.Split('\n')
                .Where(l => l.StartsWith(metric, StringComparison.Ordinal))
                .Select(l => l.Contains('}') ? l[(l.IndexOf('}') + 1)..] : l[metric.Length..])
                .Sum(rest => double.Parse(rest.Trim().Split(' ')[0], System.Globalization.CultureInfo.InvariantCulture));
        }

        return sum;
    }

    private static string NewName() => $"http-{Guid.NewGuid():N}";
}
