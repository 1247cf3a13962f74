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

    // The fixed keys a partition script gets as KEYS, and the per-job, per-key and dedup keys its scripts build from the
    // same prefix: all of them must share the partition's tag.
    private static RedisKey[] PartitionKeys(RedisKeys keys, string id)
    {
        var partition = keys.QueuePartition(QueueName(id), 3);
        return [.. partition.Fixed, partition.Job($"3-{id}"), (RedisKey)(partition.Prefix + "keyq:" + id), (RedisKey)(partition.Prefix + "dedup:" + id)];
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
}
