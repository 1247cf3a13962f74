using OrleansRedis.Abstractions.Diagnostics;
using System.Globalization;
using OrleansRedis.Abstractions.Queues;
using StackExchange.Redis;

namespace OrleansRedis.Redis.Queues;

/// <summary>
/// The Redis side of the job queues: every state change of a partition is one Lua script over its hash-tagged keys
/// (<see cref="QueuePartitionKeys"/>), timed by Redis's clock. The partition grain is the only caller for its partition;
/// the scripts are still safe against a second caller (a duplicate activation), since each checks the job's state and
/// lease token itself.
/// </summary>
public sealed partial class QueueStore(RedisConnections connections, RedisKeys keys)
{
    /// <summary>How many delayed jobs or expired leases one script moves at most.</summary>
    public const int StepLimit = 1000;

    private const string Consumer = "c";

    /// <summary>Gets the keys of a partition.</summary>
    public QueuePartitionKeys Partition(string queue, int partition) => keys.QueuePartition(queue, partition);

    /// <summary>
    /// Records <paramref name="partitions"/> as the partition count of <paramref name="queue"/> unless one is recorded
    /// already; answers the recorded count and its key.
    /// </summary>
    public async Task<(int Stored, RedisKey Key)> ClaimPartitionCountAsync(string queue, int partitions)
    {
        var key = keys.QueuePartitionCount(queue);
        await Database.StringSetAsync(key, partitions, when: When.NotExists).ConfigureAwait(false);
        var stored = await Database.StringGetAsync(key).ConfigureAwait(false);
        return (stored.TryParse(out int n) ? n : partitions, key);
    }

    /// <summary>Reads Redis's clock (TIME) in Unix milliseconds.</summary>
    public async Task<long> RedisNowMsAsync()
    {
        var reply = (RedisResult[])(await Database.ExecuteAsync("TIME").ConfigureAwait(false))!;
        return ((long)reply[0] * 1000) + ((long)reply[1] / 1000);
    }

    /// <summary>Bumps the partition's epoch and makes sure its consumer groups exist.</summary>
    public async Task<(long Epoch, int GroupsCreated, bool Paused, long NowMs)> ActivateAsync(QueuePartitionKeys partition, QueuePartitionLimits limits)
    {
        var reply = await RunAsync(ActivateScript, "queue activate", partition, partition.Fixed, limits).ConfigureAwait(false);
        return (reply.Int64(QueueReply.Epoch), (int)reply.Int64(QueueReply.Created), reply.Flag(QueueReply.Paused), reply.Int64(QueueReply.Now));
    }

    /// <summary>Writes groups of jobs, each group all or nothing against the depth cap.</summary>
    public async Task<QueueEnqueueOutcome> EnqueueAsync(QueuePartitionKeys partition, QueuePartitionLimits limits, IReadOnlyList<IReadOnlyList<QueueJobDraft>> groups)
    {
        var total = groups.Sum(g => g.Count);
        var args = new List<RedisValue>(8 + groups.Count + (total * 10)) { limits.MaxDepth, limits.IdempotencyWindowMs, groups.Count };
        var declared = new List<RedisKey>(partition.Fixed.Length + (total * 3));
        declared.AddRange(partition.Fixed);
        foreach (var group in groups)
        {
            args.Add(group.Count);
        }

        foreach (var group in groups)
        {
            foreach (var job in group)
            {
                args.Add(job.Id);
                args.Add(job.Payload);
                args.Add(job.Key ?? string.Empty);
                args.Add(job.Priority);
                args.Add(job.DelayMs);
                args.Add(job.RunAtMs);
                args.Add(job.IdempotencyKey ?? string.Empty);
                args.Add(job.MaxAttempts);
                args.Add(job.BackoffMs);
                args.Add(job.UserId ?? string.Empty);
                declared.Add(partition.Job(job.Id));
                if (!string.IsNullOrEmpty(job.Key))
                {
                    declared.Add(partition.KeyQueue(job.Key));
                }

                if (!string.IsNullOrEmpty(job.IdempotencyKey))
                {
                    declared.Add(partition.Dedup(job.IdempotencyKey));
                }
            }
        }

        var reply = await RunAsync(EnqueueScript, "queue enqueue", partition, [.. declared], limits, [.. args]).ConfigureAwait(false);
        var ids = QueueReply.Strings(reply, QueueReply.Id);
        var dups = QueueReply.Longs(reply, QueueReply.Dup);
        var states = QueueReply.Strings(reply, QueueReply.State);
        var results = new EnqueueResult?[ids.Length];
        for (var i = 0; i < ids.Length; i++)
        {
            results[i] = ids[i].Length == 0 ? null : new EnqueueResult(ids[i], dups[i] == 1, QueueReply.ParseState(states[i]));
        }

        var accepted = Array.ConvertAll(QueueReply.Strings(reply, QueueReply.Group), s => s == "ok");
        return new QueueEnqueueOutcome(
            accepted, results, reply.Int64(QueueReply.Woke) > 0, QueueReply.OptionalTime(reply, QueueReply.Due), reply.Int64(QueueReply.Depth), reply.Int64(QueueReply.Now));
    }

    /// <summary>Leases up to <paramref name="max"/> ready jobs (promoting due delayed jobs first).</summary>
    public async Task<QueueLeaseOutcome> LeaseAsync(
        QueuePartitionKeys partition, QueuePartitionLimits limits, string queue, int max, long leaseMs, bool silo, string worker, long epoch)
    {
        var reply = await RunAsync(LeaseScript, "queue lease", partition, partition.Fixed, limits, LeaseArguments(limits, max, leaseMs, silo, worker, epoch, 0)).ConfigureAwait(false);
        return ReadLease(reply, queue);
    }

    /// <summary>Completes jobs whose tokens hold them.</summary>
    public async Task<QueueCompleteOutcome> CompleteAsync(
        QueuePartitionKeys partition, QueuePartitionLimits limits, IReadOnlyList<(string JobId, string Token, string? Result)> completions)
    {
        var args = new RedisValue[1 + (completions.Count * 3)];
        AddCompletions(args, 0, completions);
        var reply = await RunAsync(CompleteScript, "queue complete", partition, WithJobs(partition, completions, c => c.JobId), limits, args).ConfigureAwait(false);
        return ReadComplete(reply);
    }

    /// <summary>
    /// Completes jobs whose tokens hold them and then, in the same script, leases up to <paramref name="max"/> ready jobs
    /// for <paramref name="worker"/> (one round trip where a complete and a lease took two); the lease is
    /// <see cref="QueueLeaseOutcome.Fenced"/> (nothing leased) when <paramref name="epoch"/> is stale, the completions
    /// landed all the same.
    /// </summary>
    public async Task<(QueueCompleteOutcome Completed, QueueLeaseOutcome Leased)> CompleteAndLeaseAsync(
        QueuePartitionKeys partition, QueuePartitionLimits limits, string queue, IReadOnlyList<(string JobId, string Token, string? Result)> completions,
        int max, long leaseMs, bool silo, string worker, long epoch)
    {
        var args = LeaseArguments(limits, max, leaseMs, silo, worker, epoch, 1 + (completions.Count * 3));
        AddCompletions(args, LeaseArgumentCount, completions);
        var reply = await RunAsync(CompleteLeaseScript, "queue complete lease", partition, WithJobs(partition, completions, c => c.JobId), limits, args).ConfigureAwait(false);
        return (ReadComplete(reply), ReadLease(reply, queue));
    }

    // The lease part's own arguments (lease(L) in LeaseSteps), with room for `extra` more after them.
    private const int LeaseArgumentCount = 9;

    private static RedisValue[] LeaseArguments(QueuePartitionLimits limits, int max, long leaseMs, bool silo, string worker, long epoch, int extra)
    {
        var args = new RedisValue[LeaseArgumentCount + extra];
        args[0] = Consumer;
        args[1] = max;
        args[2] = leaseMs;
        args[3] = silo ? "silo" : "ext";
        args[4] = worker;
        args[5] = epoch;
        args[6] = QueueIds.NewRandom() + ".";
        args[7] = limits.ActiveCap;
        args[8] = StepLimit;
        return args;
    }

    private static void AddCompletions(RedisValue[] args, int at, IReadOnlyList<(string JobId, string Token, string? Result)> completions)
    {
        args[at] = completions.Count;
        for (var i = 0; i < completions.Count; i++)
        {
            args[at + 1 + (i * 3)] = completions[i].JobId;
            args[at + 2 + (i * 3)] = completions[i].Token;
            args[at + 3 + (i * 3)] = completions[i].Result ?? string.Empty;
        }
    }

    private static QueueLeaseOutcome ReadLease(ScriptReply reply, string queue)
    {
        if (reply.Has(QueueReply.Fenced))
        {
            return QueueLeaseOutcome.FencedOff(reply.Int64(QueueReply.Now));
        }

        var ids = QueueReply.Strings(reply, QueueReply.Id);
        var jobs = new LeasedJob[ids.Length];
        if (ids.Length > 0)
        {
            var payloads = QueueReply.Strings(reply, QueueReply.Payload);
            var jobKeys = QueueReply.Strings(reply, QueueReply.Key);
            var prios = QueueReply.Longs(reply, QueueReply.Prio);
            var attempts = QueueReply.Longs(reply, QueueReply.Attempt);
            var maxes = QueueReply.Longs(reply, QueueReply.Max);
            var enq = QueueReply.Longs(reply, QueueReply.Enq);
            var tokens = QueueReply.Strings(reply, QueueReply.Token);
            var until = QueueReply.Time(reply.Int64(QueueReply.Until));
            for (var i = 0; i < ids.Length; i++)
            {
                jobs[i] = new LeasedJob(
                    ids[i], queue, payloads[i], QueueReply.NullIfEmpty(jobKeys[i]), (JobPriority)prios[i], (int)attempts[i], (int)maxes[i], tokens[i], until,
                    QueueReply.Time(enq[i]));
            }
        }

        return new QueueLeaseOutcome(
            jobs, ids.Length > 0 ? QueueReply.Longs(reply, QueueReply.Wait) : [], reply.Flag(QueueReply.Paused), (int)reply.Int64(QueueReply.Created),
            QueueReply.OptionalTime(reply, QueueReply.Due), QueueReply.OptionalTime(reply, QueueReply.Lease), reply.Int64(QueueReply.Now));
    }

    private static QueueCompleteOutcome ReadComplete(ScriptReply reply) => new(
        Array.ConvertAll(QueueReply.Strings(reply, QueueReply.Status), s => s == "ok"), QueueReply.Longs(reply, QueueReply.Run),
        reply.Int64(QueueReply.Woke) > 0, QueueReply.OptionalTime(reply, QueueReply.Due))
    {
        Subjects = QueueReply.Subjects(reply, QueueReply.User, QueueReply.Attempt),
        Depth = reply.Has(QueueReply.Depth) ? reply.Int64(QueueReply.Depth) : null,
    };

    /// <summary>Fails an attempt: a retry after <paramref name="retryAfterMs"/> (or the backoff), or dead.</summary>
    public async Task<QueueFailOutcome> FailAsync(QueuePartitionKeys partition, QueuePartitionLimits limits, string jobId, string token, string error, long? retryAfterMs)
    {
        var reply = await RunAsync(
            FailScript, "queue fail", partition, WithJob(partition, jobId), limits,
            jobId, token, error, retryAfterMs ?? -1, limits.BackoffMaxMs, Random.Shared.NextDouble().ToString("R", CultureInfo.InvariantCulture)).ConfigureAwait(false);
        return new QueueFailOutcome(
            reply.String(QueueReply.Status), QueueReply.OptionalTime(reply, QueueReply.At), reply.Int64(QueueReply.Run, 0),
            reply.Int64(QueueReply.Woke, 0) > 0, QueueReply.OptionalTime(reply, QueueReply.Due))
        {
            Subject = new JobSubject(QueueReply.NullIfEmpty(reply.OptionalString(QueueReply.User) ?? string.Empty), (int)reply.Int64(QueueReply.Attempt, 0)),
        };
    }

    /// <summary>Hands a leased job back to its stream without counting the attempt; <see langword="false"/> when the token no longer holds it.</summary>
    public async Task<(bool Released, bool Woke, long? EarliestLeaseMs)> ReleaseAsync(QueuePartitionKeys partition, QueuePartitionLimits limits, string jobId, string token)
    {
        var reply = await RunAsync(ReleaseScript, "queue release", partition, WithJob(partition, jobId), limits, jobId, token).ConfigureAwait(false);
        return reply.String(QueueReply.Status) == "released"
            ? (true, true, QueueReply.OptionalTime(reply, QueueReply.Lease))
            : (false, reply.Int64(QueueReply.Woke, 0) > 0, null);
    }

    /// <summary>Extends a lease; <see langword="null"/> when the token no longer holds the job.</summary>
    public async Task<(long UntilMs, long? EarliestLeaseMs, JobSubject Subject)?> HeartbeatAsync(
        QueuePartitionKeys partition, QueuePartitionLimits limits, string jobId, string token, long leaseMs, string? progress)
    {
        var reply = await RunAsync(
            HeartbeatScript, "queue heartbeat", partition, WithJob(partition, jobId), limits, jobId, token, leaseMs, progress ?? string.Empty, progress is null ? "0" : "1").ConfigureAwait(false);
        return reply.String(QueueReply.Status) == "ok"
            ? (reply.Int64(QueueReply.Until), QueueReply.OptionalTime(reply, QueueReply.Lease),
                new JobSubject(QueueReply.NullIfEmpty(reply.OptionalString(QueueReply.User) ?? string.Empty), (int)reply.Int64(QueueReply.Attempt, 0)))
            : null;
    }

    /// <summary>
    /// Promotes due jobs, redelivers expired leases (and, with <paramref name="sweepEpoch"/>, older silo leases), trims the
    /// dead; nothing (<see cref="QueueMaintainOutcome.Fenced"/>) when <paramref name="epoch"/> is no longer the partition's.
    /// With <paramref name="deadWorker"/> (a dead silo's worker name), the silo leases it held are redelivered too.
    /// </summary>
    public async Task<QueueMaintainOutcome> MaintainAsync(QueuePartitionKeys partition, QueuePartitionLimits limits, long sweepEpoch, long epoch, string? deadWorker = null)
    {
        // A sweep reads the lease table a page per script; the pages' outcomes are merged.
        var offset = 0L;
        QueueMaintainOutcome? merged = null;
        while (true)
        {
            var reply = await RunAsync(MaintainScript, "queue maintain", partition, partition.Fixed, limits, StepLimit, sweepEpoch, epoch, deadWorker ?? string.Empty, offset).ConfigureAwait(false);
            if (reply.Has(QueueReply.Fenced))
            {
                return new QueueMaintainOutcome([], [], false, null, null, 0, reply.Int64(QueueReply.Now)) { Fenced = true };
            }

            var page = new QueueMaintainOutcome(
                QueueReply.Strings(reply, QueueReply.Redelivered), QueueReply.Strings(reply, QueueReply.Killed), reply.Int64(QueueReply.Woke) > 0,
                QueueReply.OptionalTime(reply, QueueReply.Due), QueueReply.OptionalTime(reply, QueueReply.Lease), reply.Int64(QueueReply.Depth), reply.Int64(QueueReply.Now))
            {
                RedeliveredSubjects = QueueReply.Subjects(reply, QueueReply.RUser, QueueReply.RAttempt),
                KilledSubjects = QueueReply.Subjects(reply, QueueReply.KUser, QueueReply.KAttempt),
            };
            merged = merged is null ? page : page with
            {
                Redelivered = [.. merged.Redelivered, .. page.Redelivered],
                Killed = [.. merged.Killed, .. page.Killed],
                Woke = merged.Woke || page.Woke,
                RedeliveredSubjects = [.. merged.RedeliveredSubjects, .. page.RedeliveredSubjects],
                KilledSubjects = [.. merged.KilledSubjects, .. page.KilledSubjects],
            };
            offset = reply.Int64(QueueReply.Next, 0);
            if (offset <= 0)
            {
                return merged;
            }
        }
    }

    /// <summary>Cancels a job; answers <c>cancelled</c>, <c>finished</c> (nothing done) or <c>missing</c>, and whether a parked job became ready.</summary>
    public async Task<(string Status, bool Woke, long? DueMs)> CancelAsync(QueuePartitionKeys partition, QueuePartitionLimits limits, string jobId)
    {
        var reply = await RunAsync(CancelScript, "queue cancel", partition, WithJob(partition, jobId), limits, jobId).ConfigureAwait(false);
        return (reply.String(QueueReply.Status), reply.Int64(QueueReply.Woke, 0) > 0, QueueReply.OptionalTime(reply, QueueReply.Due));
    }

    /// <summary>Takes back jobs an enqueue wrote (those not leased yet); answers how many were removed, whether a parked job became ready, and the earliest due time.</summary>
    public async Task<(int Removed, bool Woke, long? DueMs)> RollbackAsync(QueuePartitionKeys partition, QueuePartitionLimits limits, IReadOnlyList<string> jobIds)
    {
        var args = new RedisValue[1 + jobIds.Count];
        args[0] = jobIds.Count;
        for (var i = 0; i < jobIds.Count; i++)
        {
            args[1 + i] = jobIds[i];
        }

        var reply = await RunAsync(RollbackScript, "queue rollback", partition, WithJobs(partition, jobIds, id => id), limits, args).ConfigureAwait(false);
        return (QueueReply.Strings(reply, QueueReply.Status).Count(s => s == "removed"), reply.Int64(QueueReply.Woke, 0) > 0, QueueReply.OptionalTime(reply, QueueReply.Due));
    }

    /// <summary>Reads a job; <see langword="null"/> when its hash does not exist.</summary>
    public async Task<JobInfo?> ReadJobAsync(QueuePartitionKeys partition, string queue, string jobId)
    {
        var entries = await Database.HashGetAllAsync(partition.Job(jobId)).ConfigureAwait(false);
        if (entries.Length == 0)
        {
            return null;
        }

        var h = entries.ToDictionary(e => e.Name.ToString(), e => e.Value, StringComparer.Ordinal);
        string? S(string name) => h.TryGetValue(name, out var v) && !v.IsNullOrEmpty ? v.ToString() : null;
        long L(string name) => h.TryGetValue(name, out var v) && v.TryParse(out long n) ? n : 0;
        DateTimeOffset? T(string name) => L(name) is > 0 and var ms ? QueueReply.Time(ms) : null;
        var state = QueueReply.ParseState(S("state"));
        return new JobInfo(
            jobId, queue, state, (int)L("attempts"), (int)L("max"), S("key"), (JobPriority)L("prio"), S("payload") ?? "null", S("error"), S("result"),
            S("progress"), T("enqueuedAt") ?? DateTimeOffset.UnixEpoch, state is JobState.Delayed or JobState.Failed ? T("runAt") : null, T("startedAt"),
            T("finishedAt"), state == JobState.Active ? T("lease") : null, S("worker"), S("idem"));
    }

    /// <summary>Reads a partition's figures.</summary>
    public async Task<QueuePartitionFigures> StatsAsync(QueuePartitionKeys partition, QueuePartitionLimits limits)
    {
        var reply = await RunAsync(StatsScript, "queue stats", partition, partition.Fixed, limits).ConfigureAwait(false);
        return new QueuePartitionFigures(
            reply.Int64(QueueReply.Depth), reply.Int64(QueueReply.Delayed), reply.Int64(QueueReply.Active), reply.Int64(QueueReply.Dead),
            reply.Flag(QueueReply.Paused), QueueReply.OptionalTime(reply, QueueReply.Oldest), QueueReply.ReadCounters(reply.Array(QueueReply.Counters)),
            reply.Int64(QueueReply.Now));
    }

    /// <summary>Stops or restarts delivery.</summary>
    public Task SetPausedAsync(QueuePartitionKeys partition, bool paused) =>
        paused ? Database.StringSetAsync(partition.Paused, "1") : Database.KeyDeleteAsync(partition.Paused);

    /// <summary>Lists up to <paramref name="limit"/> dead jobs, most recent first.</summary>
    public async Task<IReadOnlyList<DeadJob>> ListDeadAsync(QueuePartitionKeys partition, QueuePartitionLimits limits, int limit)
    {
        var reply = await RunAsync(DeadListScript, "queue dead list", partition, partition.Fixed, limits, limit).ConfigureAwait(false);
        var ids = QueueReply.Strings(reply, QueueReply.Id);
        var jobKeys = QueueReply.Strings(reply, QueueReply.Key);
        var payloads = QueueReply.Strings(reply, QueueReply.Payload);
        var attempts = QueueReply.Longs(reply, QueueReply.Attempts);
        var errors = QueueReply.Strings(reply, QueueReply.Error);
        var ats = QueueReply.Longs(reply, QueueReply.At);
        var dead = new DeadJob[ids.Length];
        for (var i = 0; i < ids.Length; i++)
        {
            dead[i] = new DeadJob(ids[i], QueueReply.NullIfEmpty(jobKeys[i]), payloads[i], (int)attempts[i], QueueReply.NullIfEmpty(errors[i]), QueueReply.Time(ats[i]));
        }

        return dead;
    }

    /// <summary>Moves a dead job back to its stream; <see langword="false"/> when it is not dead.</summary>
    public async Task<(bool Retried, bool Woke)> RetryDeadAsync(QueuePartitionKeys partition, QueuePartitionLimits limits, string jobId)
    {
        var reply = await RunAsync(DeadRetryScript, "queue dead retry", partition, WithJob(partition, jobId), limits, jobId).ConfigureAwait(false);
        return (reply.String(QueueReply.Status) == "retried", reply.Int64(QueueReply.Woke, 0) > 0);
    }

    /// <summary>Deletes dead jobs dead before <paramref name="beforeMs"/> (all when null); answers how many.</summary>
    public async Task<long> PurgeDeadAsync(QueuePartitionKeys partition, QueuePartitionLimits limits, long? beforeMs)
    {
        var result = await Database.ScriptEvaluateAsync(OrleansRedisActivitySources.Queues, "queue dead purge", DeadPurgeScript, partition.Fixed, Arguments(partition, limits, [beforeMs ?? -1])).ConfigureAwait(false);
        return (long)result;
    }

    // KEYS are `declared`: the partition's fixed keys (KEYS[1..10]), then the keys of the jobs the call names (KEYS[11..]:
    // see each script's comment). Keys a script finds only while it runs (ids it reads from a stream, a list or a sorted
    // set) are built from ARGV[1], the prefix: see "Keys the scripts build" in docs/queues.md.
    private async Task<ScriptReply> RunAsync(string script, string name, QueuePartitionKeys partition, RedisKey[] declared, QueuePartitionLimits limits, params RedisValue[] own)
    {
        var result = await Database.ScriptEvaluateAsync(OrleansRedisActivitySources.Queues, name, script, declared, Arguments(partition, limits, own)).ConfigureAwait(false);
        return ScriptReply.Read(result, name);
    }

    // The fixed keys, then the hash of job `jobId` (KEYS[11]).
    private static RedisKey[] WithJob(QueuePartitionKeys partition, string jobId) => [.. partition.Fixed, partition.Job(jobId)];

    // The fixed keys, then the hash of each job of `items`, in order (KEYS[11..10+N]).
    private static RedisKey[] WithJobs<T>(QueuePartitionKeys partition, IReadOnlyList<T> items, Func<T, string> jobId)
    {
        var declared = new RedisKey[partition.Fixed.Length + items.Count];
        partition.Fixed.CopyTo(declared, 0);
        for (var i = 0; i < items.Count; i++)
        {
            declared[partition.Fixed.Length + i] = partition.Job(jobId(items[i]));
        }

        return declared;
    }

    private static RedisValue[] Arguments(QueuePartitionKeys partition, QueuePartitionLimits limits, RedisValue[] own)
    {
        var args = new RedisValue[4 + own.Length];
        args[0] = partition.Prefix;
        args[1] = limits.MaxDead;
        args[2] = limits.DeadRetentionMs;
        args[3] = limits.RetentionMs;
        own.CopyTo(args, 4);
        return args;
    }

    private IDatabase Database => connections.State.GetDatabase();
}
