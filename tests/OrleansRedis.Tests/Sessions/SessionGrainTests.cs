using System.Text.Json;
using OrleansRedis.Abstractions.Sessions;
using OrleansRedis.Testing;
using OrleansRedis.Tests.Locks;
using OrleansRedis.Tests.Infrastructure;
using StackExchange.Redis;

namespace OrleansRedis.Tests.Sessions;

/// <summary>
/// The session contract: the session grains on the 2-silo test cluster, checked against what Redis holds, run on one
/// redis-server and on a Redis Cluster.
/// </summary>
public abstract class SessionGrainTests(TestClusterFixture fixture)
{
    private static readonly TimeSpan Wait = TimeSpan.FromSeconds(15);

    private IGrainFactory Grains => fixture.Grains;

    private IDatabase Redis => fixture.RedisConnection.GetDatabase();

    /// <summary>The session contract on one redis-server.</summary>
    [Collection(RedisClusterCollection.Name)]
    public sealed class OnRedis(RedisClusterFixture fixture) : SessionGrainTests(fixture);

    /// <summary>The session contract on a Redis Cluster of three masters and three replicas.</summary>
    [Collection(OnRedisClusterCollection.Name)]
    public sealed class OnRedisCluster(OnRedisClusterFixture fixture) : SessionGrainTests(fixture);

    [Fact]
    public async Task Create_ThenGet_ReturnsUserAndDataAndStoresOnlyTheHash()
    {
        var user = NewUser();

        var created = await Grains.CreateSessionAsync(new SessionDraft(user, "{\"theme\":\"dark\"}"));
        var read = await Grains.GetSession(created.SessionId).GetAsync();

        Assert.NotNull(read);
        Assert.Equal(user, read.UserId);
        Assert.Equal("{\"theme\":\"dark\"}", read.Data);
        Assert.Equal(read.AbsoluteExpiresAtUtc, created.AbsoluteExpiresAtUtc);
        Assert.True(await Redis.KeyExistsAsync(SessionRedis.SessionKey(SessionIds.Hash(created.SessionId))));
        Assert.Equal(SessionIds.Hash(created.SessionId), (string?)(await Redis.SortedSetRangeByRankAsync(SessionRedis.UserIndexKey(user))).Single());
    }

    [Fact]
    public async Task Create_Defaults_IdleThirtyMinutesAbsoluteEightHours()
    {
        var created = await Grains.CreateSessionAsync(new SessionDraft(NewUser(), "{}"));
        var ttl = await Redis.KeyTimeToLiveAsync(SessionRedis.SessionKey(SessionIds.Hash(created.SessionId)));

        var now = DateTimeOffset.UtcNow;
        Assert.InRange((created.AbsoluteExpiresAtUtc - now).TotalMinutes, 479, 480);
        Assert.InRange((created.IdleExpiresAtUtc - now).TotalMinutes, 29, 30);
        Assert.InRange(ttl!.Value.TotalMinutes, 29, 30);
    }

    [Theory]
    // Both limits stay at least 18 s away through the 1.5 s wait, so a stalled machine delays the read but cannot let
    // the session end before it; the first row would answer 18.5 s had the read not slid, the second 60 s had it
    // ignored the deadline.
    [InlineData(20, 3600)] // idle timeout is the nearer limit
    [InlineData(60, 20)]   // the absolute deadline is nearer than a whole idle timeout
    public async Task Get_AfterTimePassed_TtlIsMinOfIdleAndRemainingAbsolute(int idleSeconds, int absoluteSeconds)
    {
        var idle = TimeSpan.FromSeconds(idleSeconds);
        var created = await CreateAsync(NewUser(), idleSeconds, absoluteSeconds);
        var key = SessionRedis.SessionKey(SessionIds.Hash(created.SessionId));
        var initialTtl = (await Redis.KeyTimeToLiveAsync(key))!.Value;
        // Let 1.5 s pass, watching Redis (not the grain, which would slide it).
        await Eventually.TrueAsync(async () => (await Redis.KeyTimeToLiveAsync(key)) <= initialTtl - TimeSpan.FromSeconds(1.5), Wait, "1.5 s of TTL elapsed");

        // Redis's clock before the read and after the TTL: however long the machine stalls in between, the TTL Redis
        // reports must lie between what the two readings allow.
        var before = await RedisClock.NowAsync(Redis);
        var read = await Grains.GetSession(created.SessionId).GetAsync();
        var ttl = (await Redis.KeyTimeToLiveAsync(key))!.Value;
        var after = await RedisClock.NowAsync(Redis);

        var deadline = created.AbsoluteExpiresAtUtc;
        var tolerance = TimeSpan.FromMilliseconds(50); // Redis stamps whole milliseconds
        var longest = Min(idle, deadline - before);
        var shortest = Min(idle - (after - before), deadline - after);
        Assert.NotNull(read);
        Assert.InRange(ttl, shortest - tolerance, longest + tolerance);
        Assert.InRange(read.IdleExpiresAtUtc, Min(before + idle, deadline) - tolerance, Min(after + idle, deadline) + tolerance);
    }

    [Fact]
    public async Task Get_NotReadForIdleTimeout_ReturnsNull()
    {
        var created = await CreateAsync(NewUser(), idleSeconds: 1, absoluteSeconds: 3600);
        var key = SessionRedis.SessionKey(SessionIds.Hash(created.SessionId));

        await Eventually.TrueAsync(async () => !await Redis.KeyExistsAsync(key), Wait, "Redis expired the idle session");

        Assert.Null(await Grains.GetSession(created.SessionId).GetAsync());
    }

    [Fact]
    public async Task MergeData_ConcurrentDistinctFieldsFromTheClient_AllPresent()
    {
        var created = await CreateAsync(NewUser(), idleSeconds: 600, absoluteSeconds: 3600);
        var session = Grains.GetSession(created.SessionId);

        await Task.WhenAll(Enumerable.Range(0, 100).Select(i => session.MergeDataAsync($"{{\"f{i}\":{i}}}")));

        using var data = JsonDocument.Parse((await session.GetAsync())!.Data);
        Assert.Equal(100, data.RootElement.EnumerateObject().Count());
        Assert.All(Enumerable.Range(0, 100), i => Assert.Equal(i, data.RootElement.GetProperty($"f{i}").GetInt32()));
    }

    [Fact]
    public async Task MergeData_NullValue_RemovesFieldAndReplaceData_ReplacesAll()
    {
        var created = await Grains.CreateSessionAsync(new SessionDraft(NewUser(), "{\"a\":1,\"b\":2}"));
        var session = Grains.GetSession(created.SessionId);

        var merged = await session.MergeDataAsync("{\"b\":null,\"c\":3}");
        var replaced = await session.ReplaceDataAsync("{\"z\":true}");
        var stored = await Redis.HashGetAsync(SessionRedis.SessionKey(SessionIds.Hash(created.SessionId)), "d");

        Assert.Equal("{\"a\":1,\"c\":3}", merged!.Data);
        Assert.Equal("{\"z\":true}", replaced!.Data);
        Assert.Equal("{\"z\":true}", (string?)stored);
    }

    [Fact]
    public async Task MergeData_ResultTooLarge_ThrowsAndLeavesSessionUnchanged()
    {
        var created = await Grains.CreateSessionAsync(new SessionDraft(NewUser(), $"{{\"a\":\"{new string('x', 40_000)}\"}}"));
        var session = Grains.GetSession(created.SessionId);
        var key = SessionRedis.SessionKey(SessionIds.Hash(created.SessionId));
        var before = await Redis.HashGetAllAsync(key);

        var ex = await Assert.ThrowsAsync<SessionException>(() => session.MergeDataAsync($"{{\"b\":\"{new string('y', 40_000)}\"}}"));

        Assert.Equal(SessionError.DataTooLarge, ex.Error);
        Assert.Equal(before.ToStringDictionary(), (await Redis.HashGetAllAsync(key)).ToStringDictionary());
        Assert.Equal(40_008, (await session.GetAsync())!.Data.Length);
    }

    [Fact]
    public async Task Create_BadInput_ThrowsTypedErrorAndWritesNothing()
    {
        var before = await SessionRedis.DumpAsync(fixture.RedisConnection);
        var user = NewUser();
        var cases = new (SessionDraft Draft, SessionError Error)[]
        {
            (new SessionDraft(user, "[1,2]"), SessionError.InvalidData),
            (new SessionDraft(user, "{oops"), SessionError.InvalidData),
            (new SessionDraft(user, $"{{\"a\":\"{new string('x', 70_000)}\"}}"), SessionError.DataTooLarge),
            (new SessionDraft(user, "{}", TimeSpan.FromSeconds(-1)), SessionError.InvalidTimeout),
            (new SessionDraft(user, "{}", TimeSpan.FromHours(25)), SessionError.InvalidTimeout),
            (new SessionDraft(user, "{}", null, TimeSpan.FromDays(8)), SessionError.InvalidTimeout),
            (new SessionDraft(user, "{}", null, TimeSpan.Zero), SessionError.InvalidTimeout),
            (new SessionDraft("", "{}"), SessionError.InvalidUserId),
            (new SessionDraft("bad\nuser", "{}"), SessionError.InvalidUserId),
        };

        foreach (var (draft, error) in cases)
        {
            var ex = await Assert.ThrowsAsync<SessionException>(() => Grains.CreateSessionAsync(draft));
            Assert.Equal(error, ex.Error);
        }

        Assert.Equal(before, await SessionRedis.DumpAsync(fixture.RedisConnection));
    }

    [Fact]
    public async Task GetGrain_KeyedByRawIdInsteadOfHash_Refused()
    {
        var id = SessionIds.New();

        var ex = await Assert.ThrowsAsync<SessionException>(() => Grains.GetGrain<ISessionGrain>(id).CreateAsync(new SessionDraft(NewUser(), "{}")));

        Assert.Equal(SessionError.InvalidKey, ex.Error);
        Assert.False(await Redis.KeyExistsAsync(SessionRedis.SessionKey(id)));
    }

    [Fact]
    public async Task Rotate_ActiveSession_OldIdGoneAtOnceNewIdCarriesDataAndDeadline()
    {
        var user = NewUser();
        var created = await Grains.CreateSessionAsync(new SessionDraft(user, "{\"role\":\"user\"}"));
        var old = Grains.GetSession(created.SessionId);
        var before = await old.GetAsync();

        var rotated = await old.RotateAsync();
        var oldRead = await old.GetAsync();
        var newRead = await Grains.GetSession(rotated!.SessionId).GetAsync();

        Assert.Null(oldRead);
        Assert.NotEqual(created.SessionId, rotated.SessionId);
        Assert.Equal(("{\"role\":\"user\"}", user), (newRead!.Data, newRead.UserId));
        Assert.Equal((before!.CreatedAtUtc, before.AbsoluteExpiresAtUtc), (newRead.CreatedAtUtc, newRead.AbsoluteExpiresAtUtc));
        Assert.False(await Redis.KeyExistsAsync(SessionRedis.SessionKey(SessionIds.Hash(created.SessionId))));
        Assert.Equal([SessionIds.Hash(rotated.SessionId)], (await Redis.SortedSetRangeByRankAsync(SessionRedis.UserIndexKey(user))).Select(v => (string)v!));
        Assert.Null(await old.RotateAsync());
    }

    [Fact]
    public async Task Destroy_LiveSession_GoneFromRedisAndIndex()
    {
        var user = NewUser();
        var created = await Grains.CreateSessionAsync(new SessionDraft(user, "{}"));
        var session = Grains.GetSession(created.SessionId);
        await session.GetAsync();

        Assert.True(await session.DestroyAsync());

        Assert.Null(await session.GetAsync());
        Assert.False(await session.DestroyAsync());
        Assert.False(await Redis.KeyExistsAsync(SessionRedis.SessionKey(SessionIds.Hash(created.SessionId))));
        Assert.Equal(0, await Redis.SortedSetLengthAsync(SessionRedis.UserIndexKey(user)));
    }

    [Fact]
    public async Task RevokeAll_SessionsActiveInMemory_AllGoneAtOnce()
    {
        var user = NewUser();
        var other = await Grains.CreateSessionAsync(new SessionDraft(NewUser(), "{}"));
        var ids = new List<string>();
        for (var i = 0; i < 4; i++)
        {
            ids.Add((await Grains.CreateSessionAsync(new SessionDraft(user, $"{{\"n\":{i}}}"))).SessionId);
        }

        // Every grain holds a fresh copy: a read right now would be served from memory.
        foreach (var id in ids)
        {
            Assert.NotNull(await Grains.GetSession(id).GetAsync());
        }

        var revoked = await Grains.GetUserSessions(user).RevokeAllAsync();

        Assert.Equal(4, revoked);
        foreach (var id in ids)
        {
            Assert.Null(await Grains.GetSession(id).GetAsync());
            Assert.False(await Redis.KeyExistsAsync(SessionRedis.SessionKey(SessionIds.Hash(id))));
        }

        Assert.Empty(await Grains.GetUserSessions(user).ListAsync());
        Assert.NotNull(await Grains.GetSession(other.SessionId).GetAsync());
        Assert.NotNull(await Grains.GetSession((await Grains.CreateSessionAsync(new SessionDraft(user, "{}"))).SessionId).GetAsync());
    }

    [Fact]
    public async Task RevokeAll_RacingRotations_LeavesNoLiveSession()
    {
        for (var round = 0; round < 50; round++)
        {
            var user = NewUser();
            var created = await Grains.CreateSessionAsync(new SessionDraft(user, "{}"));
            var session = Grains.GetSession(created.SessionId);

            var rotation = session.RotateAsync();
            var revocation = Grains.GetUserSessions(user).RevokeAllAsync();
            var rotated = await rotation;
            await revocation;

            Assert.Null(await session.GetAsync());
            if (rotated is not null)
            {
                Assert.Null(await Grains.GetSession(rotated.SessionId).GetAsync());
            }

            Assert.Empty(await Grains.GetUserSessions(user).ListAsync());
        }
    }

    [Fact]
    public async Task List_MetadataOnly_PrunesEndedSessions()
    {
        var user = NewUser();
        var brief = await CreateAsync(user, idleSeconds: 1, absoluteSeconds: 3600);
        var lasting = await CreateAsync(user, idleSeconds: 600, absoluteSeconds: 3600);
        var index = SessionRedis.UserIndexKey(user);
        await Eventually.TrueAsync(async () => !await Redis.KeyExistsAsync(SessionRedis.SessionKey(SessionIds.Hash(brief.SessionId))), Wait, "the brief session expired");
        Assert.Equal(2, await Redis.SortedSetLengthAsync(index));

        var listed = await Grains.GetUserSessions(user).ListAsync();

        var entry = Assert.Single(listed);
        Assert.Equal(SessionIds.Handle(SessionIds.Hash(lasting.SessionId)), entry.Handle);
        Assert.Equal(lasting.AbsoluteExpiresAtUtc, entry.AbsoluteExpiresAtUtc);
        Assert.InRange((entry.IdleExpiresAtUtc - lasting.IdleExpiresAtUtc).TotalSeconds, -2, 2);
        Assert.DoesNotContain(lasting.SessionId, JsonSerializer.Serialize(listed));
        Assert.Equal(1, await Redis.SortedSetLengthAsync(index));
    }

    [Fact]
    public async Task Redis_ScanAfterCreatesAndRotations_ShowsNoRawId()
    {
        var ids = new List<string>();
        for (var i = 0; i < 10; i++)
        {
            var created = await Grains.CreateSessionAsync(new SessionDraft(NewUser(), "{\"x\":1}"));
            ids.Add(created.SessionId);
            if (i % 2 == 0)
            {
                ids.Add((await Grains.GetSession(created.SessionId).RotateAsync())!.SessionId);
            }
        }

        var scan = string.Join('\n', await fixture.ScanKeysAsync());
        var contents = await SessionRedis.DumpAsync(fixture.RedisConnection);

        Assert.Contains(SessionIds.Hash(ids[^1]), scan);
        Assert.All(ids, id =>
        {
            Assert.DoesNotContain(id, scan);
            Assert.DoesNotContain(id, contents);
        });
    }

    private static string NewUser() => $"user-{Guid.NewGuid():N}";

    private static T Min<T>(T a, T b)
        where T : IComparable<T> => a.CompareTo(b) <= 0 ? a : b;

    private Task<SessionCreated> CreateAsync(string user, int idleSeconds, int absoluteSeconds) =>
        Grains.CreateSessionAsync(new SessionDraft(user, "{}", TimeSpan.FromSeconds(idleSeconds), TimeSpan.FromSeconds(absoluteSeconds)));
}
