using System.Reflection;
using Microsoft.Extensions.Options;
using OrleansRedis.Redis;
using OrleansRedis.Redis.Locks;
using OrleansRedis.Redis.Queues;
using OrleansRedis.Redis.RateLimiting;
using OrleansRedis.Redis.Realtime;
using OrleansRedis.Redis.Caching;
using OrleansRedis.Redis.Sessions;
using OrleansRedis.Redis.Users;
using OrleansRedis.Tests.Infrastructure;
using StackExchange.Redis;

namespace OrleansRedis.Tests.Foundation;

/// <summary>
/// Every Lua script of the project (and every multi-key command) touches keys of one Redis Cluster slot, or Redis
/// Cluster refuses it with CROSSSLOT. <see cref="Scripts"/> lists each script with the keys its caller builds through
/// <see cref="RedisKeys"/>; a script the list does not name fails <see cref="Scripts_ListNamesEveryScriptOfTheProject"/>,
/// so a new capability cannot add one without saying which keys it takes.
/// </summary>
[Collection(OnRedisClusterCollection.Name)]
public sealed class ScriptKeySlotTests(OnRedisClusterFixture fixture)
{
    /// <summary>
    /// Each script (declaring type and constant) or multi-key command with the keys its caller passes, for an id.
    /// A new script adds its line here.
    /// </summary>
    public static readonly IReadOnlyList<(Type Owner, string Script, Func<RedisKeys, string, RedisKey[]> Keys)> Scripts =
    [
        (typeof(RedisLockStore), "AcquireScript", (keys, id) => [keys.Lock(id), keys.LockFence(id)]),
        (typeof(RedisLockStore), "ReleaseScript", (keys, id) => [keys.Lock(id), keys.LockFence(id)]),
        (typeof(RedisLockStore), "ExtendScript", (keys, id) => [keys.Lock(id)]),
        (typeof(RedisLockStore), "StateScript", (keys, id) => [keys.Lock(id), keys.LockFence(id)]),
        (typeof(RateLimitStore), "SlidingLogScript", (keys, id) => [keys.RateLimit("policy", id, RateLimitAlgorithm.SlidingLog)]),
        (typeof(RateLimitStore), "SlidingWindowCounterScript", (keys, id) => [keys.RateLimit("policy", id, RateLimitAlgorithm.SlidingWindowCounter)]),
        (typeof(RateLimitStore), "TokenBucketScript", (keys, id) => [keys.RateLimit("policy", id, RateLimitAlgorithm.TokenBucket)]),
        (typeof(RateLimitStore), "ResetAsync (DEL)", (keys, id) => keys.RateLimitAll("policy", id)),
        (typeof(SessionStore), "CreateScript", (keys, id) => [keys.Session(id)]),
        (typeof(SessionStore), "SlideScript", (keys, id) => [keys.Session(id)]),
        (typeof(SessionStore), "WriteScript", (keys, id) => [keys.Session(id)]),
        (typeof(SessionStore), "TakeScript", (keys, id) => [keys.Session(id)]),
        (typeof(SessionStore), "DeleteScript", (keys, id) => [keys.Session(id)]),
        (typeof(SessionIndex), "AddScript", (keys, id) => [keys.UserSessions(id), keys.UserSessionsRevokedBefore(id)]),
        (typeof(SessionIndex), "RevokeScript", (keys, id) => [keys.UserSessions(id), keys.UserSessionsRevokedBefore(id)]),
        (typeof(SessionIndex), "ReadScript", (keys, id) => [keys.UserSessions(id)]),
        (typeof(UserCacheStore), "ReadScript", (keys, id) => [keys.User(id)]),
        (typeof(UserCacheStore), "SetIfNewerScript", (keys, id) => [keys.User(id)]),
        (typeof(QueueStore), "Prelude", (keys, id) => PartitionKeys(keys, id)),
        (typeof(QueueStore), "EnqueueScript", (keys, id) => PartitionKeys(keys, id)),
        (typeof(QueueStore), "LeaseScript", (keys, id) => PartitionKeys(keys, id)),
        (typeof(QueueStore), "CompleteScript", (keys, id) => PartitionKeys(keys, id)),
        (typeof(QueueStore), "CompleteSteps", (keys, id) => PartitionKeys(keys, id)),
        (typeof(QueueStore), "LeaseSteps", (keys, id) => PartitionKeys(keys, id)),
        (typeof(QueueStore), "CompleteLeaseScript", (keys, id) => PartitionKeys(keys, id)),
        (typeof(QueueStore), "FailScript", (keys, id) => PartitionKeys(keys, id)),
        (typeof(QueueStore), "ReleaseScript", (keys, id) => PartitionKeys(keys, id)),
        (typeof(QueueStore), "RollbackScript", (keys, id) => PartitionKeys(keys, id)),
        (typeof(QueueStore), "HeartbeatScript", (keys, id) => PartitionKeys(keys, id)),
        (typeof(QueueStore), "MaintainScript", (keys, id) => PartitionKeys(keys, id)),
        (typeof(QueueStore), "ActivateScript", (keys, id) => PartitionKeys(keys, id)),
        (typeof(QueueStore), "CancelScript", (keys, id) => PartitionKeys(keys, id)),
        (typeof(QueueStore), "DeadListScript", (keys, id) => PartitionKeys(keys, id)),
        (typeof(QueueStore), "DeadRetryScript", (keys, id) => PartitionKeys(keys, id)),
        (typeof(QueueStore), "DeadPurgeScript", (keys, id) => PartitionKeys(keys, id)),
        (typeof(QueueStore), "StatsScript", (keys, id) => PartitionKeys(keys, id)),
        (typeof(QueueStore), "AdvanceTickScript", (keys, id) => [keys.QueueSchedules(QueueName(id)), keys.QueueScheduleTicks(QueueName(id))]),
        (typeof(HybridCacheStore), "SetScript", (keys, id) => [keys.CacheEntry(id)]),
        (typeof(HybridCacheStore), "TagScript", (keys, id) => [keys.CacheTag(id)]),
        (typeof(HybridCacheStore), "TakeTagScript", (keys, id) => [keys.CacheTag(id)]),
        (typeof(TopicStore), "PublishScript", (keys, id) => [keys.Topic(id)]),
        (typeof(TopicStore), "ReadScript", (keys, id) => [keys.Topic(id)]),
        (typeof(PresenceStore), "Sweep", (keys, id) => [keys.RoomMembers(id), keys.RoomData(id)]),
        (typeof(PresenceStore), "HeartbeatScript", (keys, id) => [keys.RoomMembers(id), keys.RoomData(id)]),
        (typeof(PresenceStore), "LeaveScript", (keys, id) => [keys.RoomMembers(id), keys.RoomData(id)]),
        (typeof(PresenceStore), "ListScript", (keys, id) => [keys.RoomMembers(id), keys.RoomData(id)]),
    ];

    // Queue names are validated (letters, digits, '-', '_', '.'), so an id with braces stands for a name it maps onto.
    private static string QueueName(string id) => id.Length == 0 ? "q" : new string(id.Select(c => char.IsAsciiLetterOrDigit(c) ? c : '-').ToArray());

    // The fixed keys a partition script gets as KEYS, and the per-job, per-key and dedup keys (declared after them or
    // built while it runs from the same prefix): all of them must share the partition's tag.
    private static RedisKey[] PartitionKeys(RedisKeys keys, string id)
    {
        var partition = keys.QueuePartition(QueueName(id), 3);
        return [.. partition.Fixed, partition.Job($"3-{id}"), partition.KeyQueue(id), partition.Dedup(id)];
    }

    /// <summary>Ids a caller may pass, braces of a would-be hash tag included.</summary>
    private static readonly string[] Ids = ["order-17", "a}b{c", "{", "}", "{tag}", "x:{y}:z", "ü-名前", ""];

    /// <summary>Key prefixes a deployment may configure (letters, digits, '-', '_', '.').</summary>
    private static readonly string[] Prefixes = ["or", "tenant-7.a_b"];

    [Fact]
    public void Scripts_ListNamesEveryScriptOfTheProject()
    {
        var assemblies = new[] { typeof(RedisKeys), typeof(Grains.StorageNames), typeof(AspNetCore.Endpoints.OrleansRedisEndpoints), typeof(Silo.Hosting.SiloHostBuilderExtensions), typeof(Client.OrleansRedisClientOptions) }
            .Select(type => type.Assembly)
            .Distinct();
        var found = assemblies
            .SelectMany(assembly => assembly.GetTypes())
            .SelectMany(type => type.GetFields(BindingFlags.Static | BindingFlags.Public | BindingFlags.NonPublic | BindingFlags.DeclaredOnly)
                .Where(field => field.IsLiteral && field.GetRawConstantValue() is string text && text.Contains("redis.call(", StringComparison.Ordinal))
                .Select(field => $"{type.Name}.{field.Name}"))
            .Order(StringComparer.Ordinal)
            .ToList();
        var listed = Scripts.Where(s => !s.Script.Contains(' ', StringComparison.Ordinal)).Select(s => $"{s.Owner.Name}.{s.Script}").Order(StringComparer.Ordinal).ToList();

        Assert.True(found.Count >= 17, $"only {found.Count} scripts found: the search misses some");
        Assert.Equal(found, listed);
    }

    [Theory]
    [InlineData("}x", "or:lock:~{~}}x}")]
    [InlineData("", "or:lock:~{~}}")]
    [InlineData("x}", "or:lock:{x}}")]
    [InlineData("~{~}}x", "or:lock:{~{~}}x}")]
    public void Build_IdWithEmptyTag_GetsFixedTagAndNoOtherIdsKey(string id, string expected)
    {
        var keys = new RedisKeys(Options.Create(new RedisOptions()));

        // Without the fixed tag, "}x" would build or:lock:{}x}: an empty tag, so the lease and the fence in two slots.
        Assert.Equal(expected, keys.Lock(id).ToString());
        Assert.Equal($"{expected}:fence", keys.LockFence(id).ToString());
        Assert.DoesNotContain(Ids.Append("~}x").Where(other => other != id), other => keys.Lock(other) == keys.Lock(id));
    }

    [Fact]
    public async Task Scripts_EveryKeyOfEachScript_InOneClusterSlotAsClusterKeyslotSays()
    {
        var redis = fixture.RedisConnection.GetDatabase();
        var checkedKeys = 0;
        foreach (var prefix in Prefixes)
        {
            var keys = new RedisKeys(Options.Create(new RedisOptions { KeyPrefix = prefix }));
            foreach (var (owner, script, build) in Scripts)
            {
                foreach (var id in Ids)
                {
                    var built = build(keys, id);
                    var slots = new List<int>();
                    foreach (var key in built)
                    {
                        slots.Add((int)await redis.ExecuteAsync("CLUSTER", "KEYSLOT", (string)key!));
                        checkedKeys++;
                    }

                    Assert.True(slots.Distinct().Count() == 1,
                        $"{owner.Name}.{script} with prefix '{prefix}' and id '{id}' spans slots {string.Join(", ", slots)}: {string.Join(", ", built)}");
                }
            }
        }

        Assert.True(checkedKeys > Scripts.Count * Ids.Length * Prefixes.Length, "no script had a second key to compare");
    }

    /// <summary>
    /// Runs every queue script through <see cref="QueueStore"/> on the Redis Cluster with a shim that notes each key a
    /// script touches without its KEYS naming it. Every declared key is in the partition's slot; every undeclared one is
    /// the documented residue (docs/queues.md, "Keys the scripts build"): a <c>job:</c>, <c>keyq:</c> or <c>dedup:</c> key
    /// of the partition, in its slot, for an id or key the script read while it ran, never one its ARGV names.
    /// </summary>
    [Fact]
    public async Task QueueScripts_DeclareEveryKeyTheCallerKnows_UndeclaredOnlyTheResidue()
    {
        var recorder = new ScriptKeyRecorder();
        await using var connections = new RedisConnections(
            Options.Create(new RedisOptions { StateMultiplexer = _ => recorder.Wrap(fixture.RedisConnection) }), Microsoft.Extensions.Logging.Abstractions.NullLogger<RedisConnections>.Instance);
        var keys = new RedisKeys(Options.Create(new RedisOptions()));
        var store = new QueueStore(connections, keys);
        var queue = "slots" + Guid.NewGuid().ToString("N")[..8];
        var partition = store.Partition(queue, 0);
        var limits = new QueuePartitionLimits(MaxDepth: 1000, IdempotencyWindowMs: 600_000, RetentionMs: 600_000, DeadRetentionMs: 600_000, MaxDead: 100, BackoffMaxMs: 1000, ActiveCap: 0);
        static QueueJobDraft Job(string? key = null, string? idem = null, long delayMs = 0, int maxAttempts = 3) =>
            new(QueueIds.NewJobId(0), "{}", key, 1, delayMs, 0, idem, maxAttempts, 10);

        var (epoch, _, _, _) = await store.ActivateAsync(partition, limits);
        var (a, b, c, d) = (Job("k", "i1", maxAttempts: 1), Job("k", maxAttempts: 1), Job(), Job(delayMs: 600_000));
        var first = await store.EnqueueAsync(partition, limits, [[a, b, c, d], [Job(idem: "i1")]]);
        Assert.Equal([a.Id, b.Id, c.Id, d.Id, a.Id], first.Results.Select(r => r!.JobId));
        Assert.True(first.Results[4]!.Deduplicated);

        // Every fresh job refused by the cap: the second group (a duplicate only) still finds its dedup key after the
        // keys of the first group's jobs.
        var capped = await store.EnqueueAsync(partition, limits with { MaxDepth = 0 }, [[Job("k9", "i9"), Job()], [Job(idem: "i1")]]);
        Assert.Equal([false, true], capped.Accepted);
        Assert.Equal(a.Id, capped.Results[2]!.JobId);

        var leased = await store.LeaseAsync(partition, limits, queue, 10, 600_000, silo: false, "w", epoch);
        Assert.Equal(new[] { a.Id, c.Id }.Order(StringComparer.Ordinal), leased.Jobs.Select(j => j.Id).Order(StringComparer.Ordinal));
        var tokenOf = leased.Jobs.ToDictionary(j => j.Id, j => j.LeaseToken);
        Assert.NotNull(await store.HeartbeatAsync(partition, limits, a.Id, tokenOf[a.Id], 600_000, "half"));
        Assert.True((await store.CompleteAsync(partition, limits, [(a.Id, tokenOf[a.Id], null)])).Woke);
        var (completed, next) = await store.CompleteAndLeaseAsync(partition, limits, queue, [(c.Id, tokenOf[c.Id], "\"r\"")], 10, 600_000, silo: false, "w", epoch);
        Assert.Equal([true], completed.Ok);
        var bToken = next.Jobs.Single(j => j.Id == b.Id).LeaseToken;
        Assert.Equal("dead", (await store.FailAsync(partition, limits, b.Id, bToken, "boom", null)).Status);
        Assert.Equal(b.Id, (await store.ListDeadAsync(partition, limits, 10)).Single().Id);
        Assert.True((await store.RetryDeadAsync(partition, limits, b.Id)).Retried);
        var again = await store.LeaseAsync(partition, limits, queue, 10, 600_000, silo: false, "w", epoch);
        Assert.True((await store.ReleaseAsync(partition, limits, b.Id, again.Jobs.Single(j => j.Id == b.Id).LeaseToken)).Released);
        Assert.Equal("cancelled", (await store.CancelAsync(partition, limits, d.Id)).Status);
        var (e, f) = (Job("k2", "i2"), Job("k2"));
        await store.EnqueueAsync(partition, limits, [[e, f]]);
        Assert.Equal(2, (await store.RollbackAsync(partition, limits, [e.Id, f.Id])).Removed);
        await store.LeaseAsync(partition, limits, queue, 10, 600_000, silo: true, "w", epoch);
        Assert.Equal([b.Id], (await store.MaintainAsync(partition, limits, epoch + 1, epoch)).Killed);
        await store.StatsAsync(partition, limits);
        await store.PurgeDeadAsync(partition, limits, null);
        await store.AdvanceTickAsync(queue, "s", 1);

        var scripts = typeof(QueueStore).GetFields(BindingFlags.Static | BindingFlags.NonPublic)
            .Where(field => field.IsLiteral && field.Name.EndsWith("Script", StringComparison.Ordinal))
            .ToDictionary(field => (string)field.GetRawConstantValue()!, field => field.Name, StringComparer.Ordinal);
        var calls = recorder.Calls.Select(call => (Name: scripts.GetValueOrDefault(call.Script, "?"), call.Keys, call.Args, call.Undeclared)).ToList();
        Assert.Equal(scripts.Values.Order(StringComparer.Ordinal), calls.Select(call => call.Name).Distinct().Order(StringComparer.Ordinal));

        var redis = fixture.RedisConnection.GetDatabase();
        async Task<long> SlotAsync(string key) => (long)await redis.ExecuteAsync("CLUSTER", "KEYSLOT", key);
        var slot = await SlotAsync(partition.Prefix);
        var residue = new[] { "job:", "keyq:", "dedup:" };
        var seen = new HashSet<string>(StringComparer.Ordinal);
        foreach (var (name, declared, args, undeclared) in calls)
        {
            var schedule = name == "AdvanceTickScript";
            foreach (var key in declared)
            {
                Assert.True(schedule || await SlotAsync(key!) == slot, $"{name} declares {key}, outside the slot of {partition.Prefix}");
            }

            var argv = args.Select(arg => arg.ToString()).ToHashSet(StringComparer.Ordinal);
            foreach (var key in undeclared)
            {
                var kind = residue.FirstOrDefault(k => key.StartsWith(partition.Prefix + k, StringComparison.Ordinal));
                Assert.True(kind is not null && !schedule, $"{name} touches {key} without declaring it, and it is no job, keyq or dedup key of {partition.Prefix}");
                var part = key[(partition.Prefix.Length + kind.Length)..];
                Assert.False(argv.Contains(part), $"{name} builds {key} from its ARGV ('{part}'): the caller knows it, so KEYS must name it");
                Assert.Equal(slot, await SlotAsync(key));
                seen.Add(kind);
            }
        }

        // The scenario meets each residue kind, so the shim saw what it should.
        Assert.Equal(residue.Order(StringComparer.Ordinal), seen.Order(StringComparer.Ordinal));
    }
}
