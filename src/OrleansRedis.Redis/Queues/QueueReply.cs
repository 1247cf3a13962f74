using OrleansRedis.Abstractions.Queues;
using StackExchange.Redis;

namespace OrleansRedis.Redis.Queues;

/// <summary>
/// The one reader of the queue scripts' replies (<see cref="ScriptReply"/>); the fields of each script are listed next
/// to it in <see cref="QueueStore"/>. Times are Redis's clock in Unix ms.
/// </summary>
internal static class QueueReply
{
    public static readonly ReplyField Now = new("now");
    public static readonly ReplyField Id = new("id");
    public static readonly ReplyField Dup = new("dup");
    public static readonly ReplyField State = new("state");
    public static readonly ReplyField Group = new("group");
    public static readonly ReplyField Woke = new("woke");
    public static readonly ReplyField Due = new("due");
    public static readonly ReplyField Depth = new("depth");
    public static readonly ReplyField Payload = new("payload");
    public static readonly ReplyField Key = new("key");
    public static readonly ReplyField Prio = new("prio");
    public static readonly ReplyField Attempt = new("attempt");
    public static readonly ReplyField Attempts = new("attempts");
    public static readonly ReplyField Max = new("max");
    public static readonly ReplyField Enq = new("enq");
    public static readonly ReplyField Token = new("token");
    public static readonly ReplyField Wait = new("wait");
    public static readonly ReplyField Until = new("until");
    public static readonly ReplyField Paused = new("paused");
    public static readonly ReplyField Created = new("created");
    public static readonly ReplyField Lease = new("lease");
    public static readonly ReplyField Status = new("status");
    public static readonly ReplyField Run = new("run");
    public static readonly ReplyField At = new("at");
    public static readonly ReplyField Redelivered = new("redelivered");
    public static readonly ReplyField Killed = new("killed");
    public static readonly ReplyField Epoch = new("epoch");
    public static readonly ReplyField Fenced = new("fenced");
    public static readonly ReplyField Error = new("error");
    public static readonly ReplyField Delayed = new("delayed");
    public static readonly ReplyField Active = new("active");
    public static readonly ReplyField Dead = new("dead");
    public static readonly ReplyField Oldest = new("oldest");
    public static readonly ReplyField Counters = new("counters");
    public static readonly ReplyField User = new("user");
    public static readonly ReplyField Next = new("next");
    public static readonly ReplyField RUser = new("ruser");
    public static readonly ReplyField RAttempt = new("rattempt");
    public static readonly ReplyField KUser = new("kuser");
    public static readonly ReplyField KAttempt = new("kattempt");

    /// <summary>Reads parallel columns of users ('' none) and attempts (absent columns: none).</summary>
    public static JobSubject[] Subjects(ScriptReply reply, ReplyField users, ReplyField attempts)
    {
        if (!reply.Has(users))
        {
            return [];
        }

        var u = Strings(reply, users);
        var a = Longs(reply, attempts);
        var subjects = new JobSubject[u.Length];
        for (var i = 0; i < u.Length; i++)
        {
            subjects[i] = new JobSubject(NullIfEmpty(u[i]), i < a.Length ? (int)a[i] : 0);
        }

        return subjects;
    }

    public static long? OptionalTime(ScriptReply reply, ReplyField field) => reply.Has(field) ? reply.Int64(field) : null;

    public static DateTimeOffset Time(long unixMs) => DateTimeOffset.FromUnixTimeMilliseconds(unixMs);

    public static string[] Strings(ScriptReply reply, ReplyField field) => Array.ConvertAll(reply.Array(field), r => (string)r!);

    public static long[] Longs(ScriptReply reply, ReplyField field) => Array.ConvertAll(reply.Array(field), r => (long)r);

    public static JobState ParseState(string? state) => state switch
    {
        "waiting" => JobState.Waiting,
        "delayed" => JobState.Delayed,
        "active" => JobState.Active,
        "completed" => JobState.Completed,
        "failed" => JobState.Failed,
        "dead" => JobState.Dead,
        "cancelled" => JobState.Cancelled,
        _ => throw new RedisException($"A queue job has the unknown state '{state}'."),
    };

    public static string? NullIfEmpty(string? value) => string.IsNullOrEmpty(value) ? null : value;

    public static Dictionary<string, long> ReadCounters(RedisResult[] flat)
    {
        var counters = new Dictionary<string, long>(StringComparer.Ordinal);
        for (var i = 0; i + 1 < flat.Length; i += 2)
        {
            counters[(string)flat[i]!] = (long)flat[i + 1];
        }

        return counters;
    }
}
