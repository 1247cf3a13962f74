using System.Net;
using Microsoft.Extensions.DependencyInjection;
using OrleansRedis.Client.Hosting;
using OrleansRedis.Client.Locks;
using OrleansRedis.Tests.Infrastructure;

namespace OrleansRedis.Tests.Locks;

/// <summary>
/// 32 contenders on one lock, half over HTTP to both silo processes and half through an external .NET client, each
/// doing a read-modify-write of a counter the lock protects: no update is lost and fencing tokens only grow.
/// </summary>
[Collection(SiloProcessCollection.Name)]
public sealed class LockMutualExclusionTests(SiloProcessFixture fixture)
{
    private const int Contenders = 32;
    private const int RoundsEach = 3;

    [Fact]
    public async Task ThirtyTwoContenders_OverTwoSilosAndExternalClient_CounterEqualsAcquisitionsAndFencesIncrease()
    {
        var name = $"mutex-{Guid.NewGuid():N}";
        await using var client = await ExternalClient.StartAsync(fixture.Redis.ConnectionString, fixture.ClusterId, fixture.ServiceId, services => services.AddOrleansRedisLockClient());
        var locks = client.Services.GetRequiredService<LockClient>();
        var resource = new ProtectedResource();
        var counter = 0;
        var acquisitions = 0;
        var inside = 0;
        var maxInside = 0;

        async Task CriticalSectionAsync(long fencingToken)
        {
            var now = Interlocked.Increment(ref inside);
            InterlockedMax(ref maxInside, now);
            resource.TryAccess(fencingToken);
            var read = Volatile.Read(ref counter);
            await Task.Delay(2);
            Volatile.Write(ref counter, read + 1);
            Interlocked.Increment(ref acquisitions);
            Interlocked.Decrement(ref inside);
        }

        async Task OverHttpAsync(int contender)
        {
            var http = fixture.Silos[(contender / 2) % 2].Http;
            for (var round = 0; round < RoundsEach;)
            {
                var lease = await LockHttp.AcquireAsync(http, name, $"http-{contender}", leaseMs: 10_000, waitMs: 10_000);
                if (lease is null)
                {
                    continue;
                }

                await CriticalSectionAsync(lease.FencingToken);
                Assert.Equal(HttpStatusCode.NoContent, await LockHttp.ReleaseAsync(http, name, lease.Token));
                round++;
            }
        }

        async Task OverClientAsync()
        {
            for (var round = 0; round < RoundsEach; round++)
            {
                await using var handle = await locks.AcquireAsync(name, TimeSpan.FromSeconds(10), TimeSpan.FromSeconds(60));
                await CriticalSectionAsync(handle.FencingToken);
                Assert.True(await handle.ReleaseAsync());
            }
        }

        var contenders = Enumerable.Range(0, Contenders)
            .Select(i => Task.Run(() => i % 2 == 0 ? OverHttpAsync(i) : OverClientAsync()));
        await Task.WhenAll(contenders).WaitAsync(TimeSpan.FromMinutes(2));

        Assert.Equal(Contenders * RoundsEach, acquisitions);
        Assert.Equal(acquisitions, counter);
        Assert.Equal(1, maxInside);
        Assert.Empty(resource.Rejected);
        Assert.Equal(acquisitions, resource.Accepted.Count);
        Assert.Equal(resource.Accepted.Order(), resource.Accepted);
    }

    private static void InterlockedMax(ref int target, int value)
    {
        int current;
        while ((current = Volatile.Read(ref target)) < value && Interlocked.CompareExchange(ref target, value, current) != current)
        {
        }
    }
}
