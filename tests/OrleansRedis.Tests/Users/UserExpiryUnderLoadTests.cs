using System.Collections.Concurrent;
using System.Diagnostics;
using OrleansRedis.Abstractions.Users;
using OrleansRedis.Tests.Infrastructure;

namespace OrleansRedis.Tests.Users;

/// <summary>A hot user whose cache entry expires under load is reloaded once, not once per waiting request.</summary>
[Collection(WallClockCollection.Name)]
public sealed class UserExpiryUnderLoadTests(PostgresUsersClusterFixture fixture)
{
    private const int ConcurrentReaders = 200;

    [Fact]
    public async Task GetAsync_200ConcurrentReadersWhileTheRedisEntryExpires_OneDatabaseQuery()
    {
        var id = UserReads.NewId("expiry");
        await fixture.Database.CreateAsync(id, "Hot", "hot@example.com", DateTimeOffset.UtcNow, CancellationToken.None);
        var readers = fixture.Readers();
        await readers[0].GetGrain<IUserGrain>(id).GetAsync();
        var primed = QueryLog.ReadsOf(id);
        // The clock is read before the TTL: a stall in between can then only shorten the run, never carry it past the
        // refreshed entry's own expiry.
        var ttlReadAt = Stopwatch.GetTimestamp();
        var ttl = (await fixture.RedisConnection.GetDatabase().KeyTimeToLiveAsync(UsersClusterFixture.CacheKey(id)))!.Value;
        // A slow refresh keeps it in flight while requests pile up behind it.
        QueryLog.AfterRead(id, () => Task.Delay(TimeSpan.FromMilliseconds(300)));

        // Run until 1.5 s past the expiry: the refreshed entry (8 s TTL) expires again 6 s after that, so a read begun
        // just before the end and stalled for seconds still finds it.
        var stopAt = ttlReadAt + (long)((ttl + TimeSpan.FromSeconds(1.5)).TotalSeconds * Stopwatch.Frequency);
        var reads = new ConcurrentBag<UserReadResult>();
        await Task.WhenAll(Enumerable.Range(0, ConcurrentReaders).Select(async i =>
        {
            var grain = readers[i % readers.Count].GetGrain<IUserGrain>(id);
            while (Stopwatch.GetTimestamp() < stopAt)
            {
                reads.Add(await grain.GetAsync());
                await Task.Delay(TimeSpan.FromMilliseconds(25)); // paces the load; not a wait for a condition
            }
        }));
        QueryLog.ClearHook(id);

        Assert.Equal(1, primed);
        Assert.Equal(1, QueryLog.ReadsOf(id) - primed);
        Assert.Contains(reads, r => r.Source == UserSource.Database);
        Assert.True(reads.Count > ConcurrentReaders * 2, $"only {reads.Count} reads ran");
        Assert.All(reads, r => Assert.Equal(("Hot", 1L, false), (r.User!.Name, r.User.Version, r.Stale)));
    }
}
