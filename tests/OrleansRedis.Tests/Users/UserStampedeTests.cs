using OrleansRedis.Abstractions.Users;

namespace OrleansRedis.Tests.Users;

/// <summary>One activation per user: concurrent cold reads from every silo and client share one database load.</summary>
[Collection(SqliteUsersClusterCollection.Name)]
public sealed class UserStampedeTests(SqliteUsersClusterFixture fixture)
{
    [Fact]
    public async Task GetAsync_200ConcurrentColdReadsFromTwoSilosAndTwoClients_OneDatabaseQuery()
    {
        var id = UserReads.NewId("stampede");
        await fixture.Database.CreateAsync(id, "Hot", "hot@example.com", DateTimeOffset.UtcNow, CancellationToken.None);
        // A slow database keeps the load in flight while the other 199 reads arrive.
        QueryLog.AfterRead(id, () => Task.Delay(TimeSpan.FromMilliseconds(300)));
        var readers = fixture.Readers();

        var reads = await UserReads.ConcurrentlyAsync(readers, id, 200);
        QueryLog.ClearHook(id);

        Assert.Equal(4, readers.Count);
        Assert.Equal(1, QueryLog.ReadsOf(id));
        Assert.All(reads, r => Assert.Equal(("Hot", 1L), (r.User!.Name, r.User.Version)));
        Assert.Contains(reads, r => r.Source == UserSource.Database);
        Assert.Equal(1, await fixture.CachedVersionAsync(id));
    }

    [Fact]
    public async Task GetAsync_ManyColdUsersConcurrently_OneDatabaseQueryEach()
    {
        var ids = Enumerable.Range(0, 20).Select(_ => UserReads.NewId("herd")).ToList();
        foreach (var id in ids)
        {
            await fixture.Database.CreateAsync(id, "Herd", "herd@example.com", DateTimeOffset.UtcNow, CancellationToken.None);
        }

        var reads = await Task.WhenAll(ids.Select(id => UserReads.ConcurrentlyAsync(fixture.Readers(), id, 20)));

        Assert.All(ids, id => Assert.Equal(1, QueryLog.ReadsOf(id)));
        Assert.All(reads.SelectMany(r => r), r => Assert.Equal("Herd", r.User!.Name));
    }
}
