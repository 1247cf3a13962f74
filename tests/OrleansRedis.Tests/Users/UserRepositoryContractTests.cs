using System.Diagnostics;
using OrleansRedis.Abstractions.Users;
using OrleansRedis.Grains.Users;

namespace OrleansRedis.Tests.Users;

/// <summary>
/// The contract every <see cref="IUserRepository"/> must keep, run against each real database: optimistic
/// concurrency, versions that never go back for an id, tombstones, and typed failures.
/// </summary>
public abstract class UserRepositoryContractTests
{
    private static readonly DateTimeOffset Now = new(2030, 1, 2, 3, 4, 5, 678, TimeSpan.Zero);

    /// <summary>Gets the repository under test (schema initialized).</summary>
    protected abstract AdoUserRepository Repository { get; }

    /// <summary>Creates a repository that points at a database nobody serves.</summary>
    protected abstract AdoUserRepository CreateUnreachable(TimeSpan timeout);

    /// <summary>Creates a second repository instance on the same database (as a second silo would).</summary>
    protected abstract AdoUserRepository CreateAnother();

    [Fact]
    public async Task GetAsync_UnknownId_ReturnsNoUserAtVersionZero()
    {
        var found = await Repository.GetAsync(NewId(), CancellationToken.None);

        Assert.Equal(new UserLookup(null, 0), found);
    }

    [Fact]
    public async Task CreateAsync_NewId_StoresVersionOneAndReadsBackEqual()
    {
        var id = NewId();

        var created = await Repository.CreateAsync(id, "Zoë Ünïcode 名前", "zoe@example.com", Now.AddTicks(1234), CancellationToken.None);
        var found = await Repository.GetAsync(id, CancellationToken.None);

        Assert.Equal(new UserRecord(id, "Zoë Ünïcode 名前", "zoe@example.com", 1, Now), created);
        Assert.Equal(new UserLookup(created, 1), found);
    }

    [Fact]
    public async Task CreateAsync_ExistingId_ThrowsAlreadyExistsAndKeepsTheUser()
    {
        var id = NewId();
        var first = await Repository.CreateAsync(id, "First", "first@example.com", Now, CancellationToken.None);

        var error = await Assert.ThrowsAsync<UserException>(() => Repository.CreateAsync(id, "Second", "second@example.com", Now, CancellationToken.None));

        Assert.Equal(UserErrorCode.AlreadyExists, error.Code);
        Assert.Equal(first, (await Repository.GetAsync(id, CancellationToken.None)).User);
    }

    [Fact]
    public async Task UpdateAsync_AtCurrentVersion_StoresAndBumpsVersion()
    {
        var id = NewId();
        await Repository.CreateAsync(id, "Old", "old@example.com", Now, CancellationToken.None);

        var updated = await Repository.UpdateAsync(id, "New", "new@example.com", 1, Now.AddSeconds(1), CancellationToken.None);

        Assert.Equal(new UserRecord(id, "New", "new@example.com", 2, Now.AddSeconds(1)), updated);
        Assert.Equal(updated, (await Repository.GetAsync(id, CancellationToken.None)).User);
    }

    [Fact]
    public async Task UpdateAsync_AtOldVersion_ThrowsVersionConflictWithCurrentVersionAndChangesNothing()
    {
        var id = NewId();
        await Repository.CreateAsync(id, "A", "a@example.com", Now, CancellationToken.None);
        var current = await Repository.UpdateAsync(id, "B", "b@example.com", 1, Now, CancellationToken.None);

        var error = await Assert.ThrowsAsync<UserException>(() => Repository.UpdateAsync(id, "C", "c@example.com", 1, Now, CancellationToken.None));

        Assert.Equal((UserErrorCode.VersionConflict, 2L), (error.Code, error.CurrentVersion));
        Assert.Equal(current, (await Repository.GetAsync(id, CancellationToken.None)).User);
    }

    [Fact]
    public async Task UpdateAsync_UnknownId_ThrowsNotFound()
    {
        var error = await Assert.ThrowsAsync<UserException>(() => Repository.UpdateAsync(NewId(), "A", "a@example.com", 1, Now, CancellationToken.None));

        Assert.Equal(UserErrorCode.NotFound, error.Code);
    }

    [Fact]
    public async Task UpdateAsync_ManyConcurrentAtTheSameVersion_ExactlyOneWins()
    {
        var id = NewId();
        await Repository.CreateAsync(id, "Start", "start@example.com", Now, CancellationToken.None);
        var another = CreateAnother();

        var attempts = Enumerable.Range(0, 16).Select(async i =>
        {
            try
            {
                return await (i % 2 == 0 ? Repository : another).UpdateAsync(id, $"Writer {i}", $"w{i}@example.com", 1, Now, CancellationToken.None);
            }
            catch (UserException ex) when (ex.Code == UserErrorCode.VersionConflict)
            {
                return null;
            }
        }).ToList();
        var results = await Task.WhenAll(attempts);
        await DisposeAsync(another);

        var winner = Assert.Single(results, r => r is not null);
        Assert.Equal(2, winner!.Version);
        Assert.Equal(winner, (await Repository.GetAsync(id, CancellationToken.None)).User);
    }

    [Fact]
    public async Task DeleteAsync_ExistingUser_LeavesTombstoneAtTheNextVersion()
    {
        var id = NewId();
        await Repository.CreateAsync(id, "Gone", "gone@example.com", Now, CancellationToken.None);

        var tombstone = await Repository.DeleteAsync(id, null, Now, CancellationToken.None);

        Assert.Equal(2, tombstone);
        Assert.Equal(new UserLookup(null, 2), await Repository.GetAsync(id, CancellationToken.None));
    }

    [Fact]
    public async Task DeleteAsync_AtOldVersion_ThrowsVersionConflictAndKeepsTheUser()
    {
        var id = NewId();
        await Repository.CreateAsync(id, "A", "a@example.com", Now, CancellationToken.None);
        var current = await Repository.UpdateAsync(id, "B", "b@example.com", 1, Now, CancellationToken.None);

        var error = await Assert.ThrowsAsync<UserException>(() => Repository.DeleteAsync(id, 1, Now, CancellationToken.None));

        Assert.Equal((UserErrorCode.VersionConflict, 2L), (error.Code, error.CurrentVersion));
        Assert.Equal(current, (await Repository.GetAsync(id, CancellationToken.None)).User);
    }

    [Fact]
    public async Task DeleteAsync_UnknownOrAlreadyDeleted_ThrowsNotFound()
    {
        var id = NewId();
        await Repository.CreateAsync(id, "A", "a@example.com", Now, CancellationToken.None);
        await Repository.DeleteAsync(id, 1, Now, CancellationToken.None);

        var again = await Assert.ThrowsAsync<UserException>(() => Repository.DeleteAsync(id, null, Now, CancellationToken.None));
        var unknown = await Assert.ThrowsAsync<UserException>(() => Repository.DeleteAsync(NewId(), null, Now, CancellationToken.None));

        Assert.Equal((UserErrorCode.NotFound, UserErrorCode.NotFound), (again.Code, unknown.Code));
    }

    [Fact]
    public async Task UpdateAsync_DeletedUser_ThrowsNotFound()
    {
        var id = NewId();
        await Repository.CreateAsync(id, "A", "a@example.com", Now, CancellationToken.None);
        await Repository.DeleteAsync(id, null, Now, CancellationToken.None);

        var error = await Assert.ThrowsAsync<UserException>(() => Repository.UpdateAsync(id, "B", "b@example.com", 2, Now, CancellationToken.None));

        Assert.Equal(UserErrorCode.NotFound, error.Code);
    }

    [Fact]
    public async Task CreateAsync_AfterDelete_ContinuesTheVersionsPastTheTombstone()
    {
        var id = NewId();
        await Repository.CreateAsync(id, "A", "a@example.com", Now, CancellationToken.None);
        var tombstone = await Repository.DeleteAsync(id, null, Now, CancellationToken.None);

        var reborn = await Repository.CreateAsync(id, "Again", "again@example.com", Now, CancellationToken.None);

        Assert.Equal(tombstone + 1, reborn.Version);
        Assert.Equal(new UserLookup(reborn, reborn.Version), await Repository.GetAsync(id, CancellationToken.None));
    }

    [Fact]
    public async Task InitializeAsync_AgainOnAnExistingDatabase_KeepsTheData()
    {
        var id = NewId();
        var created = await Repository.CreateAsync(id, "Kept", "kept@example.com", Now, CancellationToken.None);
        var another = CreateAnother();

        await another.InitializeAsync(CancellationToken.None);
        await another.InitializeAsync(CancellationToken.None);
        var found = await another.GetAsync(id, CancellationToken.None);
        await DisposeAsync(another);

        Assert.Equal(created, found.User);
    }

    [Fact]
    public async Task Operations_DatabaseUnreachable_ThrowDatabaseUnavailableWithinTheTimeout()
    {
        var timeout = TimeSpan.FromSeconds(2);
        var unreachable = CreateUnreachable(timeout);
        var clock = Stopwatch.StartNew();

        var read = await Assert.ThrowsAsync<UserException>(() => unreachable.GetAsync(NewId(), CancellationToken.None));
        var write = await Assert.ThrowsAsync<UserException>(() => unreachable.CreateAsync(NewId(), "A", "a@example.com", Now, CancellationToken.None));
        await DisposeAsync(unreachable);

        Assert.Equal((UserErrorCode.DatabaseUnavailable, UserErrorCode.DatabaseUnavailable), (read.Code, write.Code));
        Assert.True(clock.Elapsed < 2 * (timeout + TimeSpan.FromSeconds(3)), $"the failures took {clock.Elapsed}");
    }

    protected static string NewId() => $"u-{Guid.NewGuid():N}";

    private static async Task DisposeAsync(AdoUserRepository repository)
    {
        if (repository is IAsyncDisposable disposable)
        {
            await disposable.DisposeAsync();
        }
    }
}
