using OrleansRedis.Abstractions.Users;
using OrleansRedis.Testing;

namespace OrleansRedis.Tests.Users;

/// <summary>
/// Writes go to the database first and then replace the cached copy with the new version; a read that loaded an older
/// version while a write committed can never put that older version back (in memory or in Redis).
/// </summary>
[Collection(SqliteUsersClusterCollection.Name)]
public sealed class UserConsistencyTests(SqliteUsersClusterFixture fixture)
{
    private static readonly TimeSpan Deadline = TimeSpan.FromSeconds(20);

    [Fact]
    public async Task UpdateAsync_ThenReadOnEverySiloAndClient_ReturnsTheNewVersion()
    {
        var id = UserReads.NewId("update");
        await fixture.Client.GetGrain<IUserGrain>(id).CreateAsync("Before", "before@example.com");
        await UserReads.ConcurrentlyAsync(fixture.Readers(), id, 8);

        var updated = await fixture.SecondClient.GetGrain<IUserGrain>(id).UpdateAsync("After", "after@example.com", 1);
        var reads = await UserReads.ConcurrentlyAsync(fixture.Readers(), id, 8);
        await fixture.DeactivateAsync(id);
        var fromRedis = await fixture.Readers()[^1].GetGrain<IUserGrain>(id).GetAsync();

        Assert.Equal(2, updated.Version);
        Assert.All(reads, r => Assert.Equal(updated, r.User));
        Assert.Equal((updated, UserSource.Redis), (fromRedis.User, fromRedis.Source));
        Assert.Equal(2, await fixture.CachedVersionAsync(id));
    }

    [Fact]
    public async Task GetAsync_SlowDatabaseReadRacingAnUpdate_NeverLeavesTheOldVersionCached()
    {
        var id = UserReads.NewId("race-update");
        await fixture.Database.CreateAsync(id, "Old", "old@example.com", DateTimeOffset.UtcNow, CancellationToken.None);
        var (loaded, release) = HoldReadsOf(id);
        var grain = fixture.Client.GetGrain<IUserGrain>(id);

        var slowRead = grain.GetAsync();
        await loaded.Task.WaitAsync(Deadline);                     // the load holds version 1 from the database
        var updated = await fixture.SecondClient.GetGrain<IUserGrain>(id).UpdateAsync("New", "new@example.com", 1);
        release.SetResult();                                       // now the load tries to cache version 1
        var racingAnswer = await slowRead;
        QueryLog.ClearHook(id);

        var reads = await UserReads.ConcurrentlyAsync(fixture.Readers(), id, 8);
        await fixture.DeactivateAsync(id);
        var afterDeactivation = await grain.GetAsync();

        Assert.Equal(2, updated.Version);
        Assert.Equal(2, await fixture.CachedVersionAsync(id));
        Assert.All(reads, r => Assert.Equal(updated, r.User));
        Assert.Equal((updated, UserSource.Redis), (afterDeactivation.User, afterDeactivation.Source));
        Assert.Contains(racingAnswer.User!.Version, new long[] { 1, 2 });
        Assert.Equal(1, QueryLog.ReadsOf(id));
    }

    [Fact]
    public async Task GetAsync_SlowDatabaseReadRacingADelete_NeverBringsTheUserBack()
    {
        var id = UserReads.NewId("race-delete");
        await fixture.Database.CreateAsync(id, "Doomed", "doomed@example.com", DateTimeOffset.UtcNow, CancellationToken.None);
        var (loaded, release) = HoldReadsOf(id);
        var grain = fixture.Client.GetGrain<IUserGrain>(id);

        var slowRead = grain.GetAsync();
        await loaded.Task.WaitAsync(Deadline);
        await fixture.SecondClient.GetGrain<IUserGrain>(id).DeleteAsync(expectedVersion: 1);
        release.SetResult();
        await slowRead;
        QueryLog.ClearHook(id);

        var reads = await UserReads.ConcurrentlyAsync(fixture.Readers(), id, 8);
        await fixture.DeactivateAsync(id);
        var afterDeactivation = await grain.GetAsync();

        Assert.Equal(2, await fixture.CachedVersionAsync(id));
        Assert.False(await fixture.CachedHasUserAsync(id), "the tombstone was replaced by the deleted user");
        Assert.All(reads, r => Assert.Null(r.User));
        Assert.Equal((null, UserSource.Redis), (afterDeactivation.User, afterDeactivation.Source));
    }

    [Fact]
    public async Task UpdateAsync_ManyConcurrentWritersAtTheSameVersion_OneWinsAndTheCacheHoldsIt()
    {
        var id = UserReads.NewId("writers");
        await fixture.Client.GetGrain<IUserGrain>(id).CreateAsync("Start", "start@example.com");
        var readers = fixture.Readers();

        var attempts = await Task.WhenAll(Enumerable.Range(0, 12).Select(async i =>
        {
            try
            {
                return await readers[i % readers.Count].GetGrain<IUserGrain>(id).UpdateAsync($"W{i}", $"w{i}@example.com", 1);
            }
            catch (UserException ex) when (ex.Code == UserErrorCode.VersionConflict)
            {
                return null;
            }
        }));
        var winner = Assert.Single(attempts, a => a is not null)!;
        await fixture.DeactivateAsync(id);

        Assert.Equal(winner, (await fixture.Client.GetGrain<IUserGrain>(id).GetAsync()).User);
        Assert.Equal(2, await fixture.CachedVersionAsync(id));
    }

    private static (TaskCompletionSource Loaded, TaskCompletionSource Release) HoldReadsOf(string id)
    {
        var loaded = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var release = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        QueryLog.AfterRead(id, async () =>
        {
            loaded.TrySetResult();
            await release.Task.WaitAsync(Deadline);
        });
        return (loaded, release);
    }
}
