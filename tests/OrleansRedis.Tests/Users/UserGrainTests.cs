using OrleansRedis.Abstractions.Users;

namespace OrleansRedis.Tests.Users;

/// <summary>
/// The user contract: the user grain's operations and typed errors, over SQLite and a real Redis, run on one
/// redis-server and on a Redis Cluster.
/// </summary>
public abstract class UserGrainTests(SqliteUsersClusterFixture fixture)
{
    /// <summary>The user contract on one redis-server.</summary>
    [Collection(SqliteUsersClusterCollection.Name)]
    public sealed class OnRedis(SqliteUsersClusterFixture fixture) : UserGrainTests(fixture);

    /// <summary>The user contract on a Redis Cluster of three masters and three replicas.</summary>
    [Collection(SqliteUsersOnRedisClusterCollection.Name)]
    public sealed class OnRedisCluster(SqliteUsersOnRedisClusterFixture fixture) : UserGrainTests(fixture);

    [Fact]
    public async Task CreateAsync_NewUser_StoresInDatabaseAndCachesTheVersion()
    {
        var id = UserReads.NewId("create");

        var created = await fixture.Client.GetGrain<IUserGrain>(id).CreateAsync("Ada", "ada@example.com");

        Assert.Equal((id, "Ada", "ada@example.com", 1L), (created.Id, created.Name, created.Email, created.Version));
        Assert.Equal(created, (await fixture.Database.GetAsync(id, CancellationToken.None)).User);
        Assert.Equal(1, await fixture.CachedVersionAsync(id));
    }

    [Fact]
    public async Task GetAsync_ColdThenWarmThenNewActivation_SaysDatabaseThenMemoryThenRedis()
    {
        var id = UserReads.NewId("sources");
        await fixture.Database.CreateAsync(id, "Grace", "grace@example.com", DateTimeOffset.UtcNow, CancellationToken.None);
        var grain = fixture.Client.GetGrain<IUserGrain>(id);

        var cold = await grain.GetAsync();
        var warm = await grain.GetAsync();
        await fixture.DeactivateAsync(id);
        var fromRedis = await fixture.SecondClient.GetGrain<IUserGrain>(id).GetAsync();

        Assert.Equal([UserSource.Database, UserSource.Memory, UserSource.Redis], [cold.Source, warm.Source, fromRedis.Source]);
        Assert.All([cold, warm, fromRedis], r => Assert.Equal(("Grace", 1L, false), (r.User!.Name, r.User.Version, r.Stale)));
        Assert.Equal(1, QueryLog.ReadsOf(id));
    }

    [Fact]
    public async Task CreateAsync_ExistingUser_ThrowsAlreadyExists()
    {
        var grain = fixture.Client.GetGrain<IUserGrain>(UserReads.NewId("dup"));
        await grain.CreateAsync("One", "one@example.com");

        var error = await Assert.ThrowsAsync<UserException>(() => grain.CreateAsync("Two", "two@example.com"));

        Assert.Equal(UserErrorCode.AlreadyExists, error.Code);
        Assert.Equal("One", (await grain.GetAsync()).User!.Name);
    }

    [Fact]
    public async Task UpdateAsync_StaleVersion_ThrowsVersionConflictWithCurrentVersion()
    {
        var grain = fixture.Client.GetGrain<IUserGrain>(UserReads.NewId("conflict"));
        await grain.CreateAsync("A", "a@example.com");
        await grain.UpdateAsync("B", "b@example.com", 1);

        var error = await Assert.ThrowsAsync<UserException>(() => grain.UpdateAsync("C", "c@example.com", 1));

        Assert.Equal((UserErrorCode.VersionConflict, 2L), (error.Code, error.CurrentVersion));
        Assert.Equal(("B", 2L), ((await grain.GetAsync()).User!.Name, (await grain.GetAsync()).User!.Version));
    }

    [Fact]
    public async Task UpdateAndDelete_UnknownUser_ThrowNotFound()
    {
        var grain = fixture.Client.GetGrain<IUserGrain>(UserReads.NewId("unknown"));

        var update = await Assert.ThrowsAsync<UserException>(() => grain.UpdateAsync("A", "a@example.com", 1));
        var delete = await Assert.ThrowsAsync<UserException>(() => grain.DeleteAsync());

        Assert.Equal((UserErrorCode.NotFound, UserErrorCode.NotFound), (update.Code, delete.Code));
    }

    [Fact]
    public async Task DeleteAsync_ThenReadAnywhere_NotFoundAndRecreateContinuesVersions()
    {
        var id = UserReads.NewId("delete");
        var grain = fixture.Client.GetGrain<IUserGrain>(id);
        await grain.CreateAsync("Temp", "temp@example.com");

        await grain.DeleteAsync(expectedVersion: 1);
        var reads = await UserReads.ConcurrentlyAsync(fixture.Readers(), id, 8);
        await fixture.DeactivateAsync(id);
        var afterDeactivation = await grain.GetAsync();
        var reborn = await grain.CreateAsync("Again", "again@example.com");

        Assert.All(reads, r => Assert.Null(r.User));
        Assert.Equal((null, UserSource.Redis), (afterDeactivation.User, afterDeactivation.Source));
        Assert.Equal(3, reborn.Version);
        Assert.Equal(3, (await grain.GetAsync()).User!.Version);
        Assert.Equal(3, await fixture.CachedVersionAsync(id));
    }

    [Theory]
    [InlineData("has space", "Name", "n@example.com")]
    [InlineData("ok-id", "", "n@example.com")]
    [InlineData("ok-id", "Name", "not-an-email")]
    public async Task CreateAsync_InvalidInput_ThrowsArgumentExceptionAndWritesNothing(string suffix, string name, string email)
    {
        var id = suffix == "ok-id" ? UserReads.NewId("invalid") : suffix;

        await Assert.ThrowsAsync<ArgumentException>(() => fixture.Client.GetGrain<IUserGrain>(id).CreateAsync(name, email));

        Assert.Null(await fixture.CachedVersionAsync(id));
        Assert.Null((await fixture.Database.GetAsync(id, CancellationToken.None)).User);
    }

    [Fact]
    public async Task Metrics_ColdRead_CountsADatabaseQueryOnTheSilos()
    {
        var id = UserReads.NewId("metered");
        await fixture.Database.CreateAsync(id, "M", "m@example.com", DateTimeOffset.UtcNow, CancellationToken.None);
        var before = fixture.MeteredQueries();

        await fixture.Client.GetGrain<IUserGrain>(id).GetAsync();

        Assert.True(fixture.MeteredQueries() > before, "UsersMetrics.DatabaseQueries did not count the load");
    }
}
