namespace OrleansRedis.Redis.Locks;

/// <summary>
/// The one reader of the lock scripts' replies (<see cref="ScriptReply"/>). Fields: <c>now</c> (Redis's clock, Unix
/// ms) in every reply; an attempt to take the lock answers <c>acquired</c> (1/0) with <c>fence</c> when acquired, or
/// <c>remaining</c> (ms left on the current lease) and <c>holder</c> (its lease value) when not; a release adds
/// <c>released</c>, an extension <c>extended</c> and <c>fence</c>, a read <c>holder</c>, <c>remaining</c> and
/// <c>fence</c> (the counter, <c>false</c> when never issued).
/// </summary>
internal static class LockReply
{
    /// <summary>Redis's clock when the script ran (Unix ms).</summary>
    public static readonly ReplyField Now = new("now");

    /// <summary>Whether the lease was set (1/0).</summary>
    public static readonly ReplyField Acquired = new("acquired");

    /// <summary>Whether the caller's lease was deleted (1/0).</summary>
    public static readonly ReplyField Released = new("released");

    /// <summary>Whether the caller's lease was extended (1/0).</summary>
    public static readonly ReplyField Extended = new("extended");

    /// <summary>A fencing token: the lease's, or the counter's highest.</summary>
    public static readonly ReplyField Fence = new("fence");

    /// <summary>The PTTL of the current lease (ms).</summary>
    public static readonly ReplyField Remaining = new("remaining");

    /// <summary>The current lease value <c>{token}:{fencingToken}:{owner}</c>, <c>false</c> when free.</summary>
    public static readonly ReplyField Holder = new("holder");

    /// <summary>Gets Redis's clock from a reply.</summary>
    public static DateTimeOffset ReadNow(ScriptReply reply) => DateTimeOffset.FromUnixTimeMilliseconds(reply.Int64(Now));

    /// <summary>Reads an attempt to take the lock for a lease of <paramref name="leaseMs"/>.</summary>
    public static LockAttempt ReadAttempt(ScriptReply reply, long leaseMs)
    {
        var now = ReadNow(reply);
        return reply.Flag(Acquired)
            ? LockAttempt.Granted(reply.Int64(Fence), now, now.AddMilliseconds(leaseMs))
            : LockAttempt.Held(ReadRemaining(reply), now, LockHolder.Parse(reply.Raw(Holder)));
    }

    // A lease always has a TTL; a key without one (-1) was not written by this store, so look again in a second
    // rather than spin.
    public static long ReadRemaining(ScriptReply reply) => reply.Int64(Remaining) is var ms && ms < 0 ? 1000 : ms;
}
