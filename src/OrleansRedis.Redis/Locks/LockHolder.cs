using StackExchange.Redis;

namespace OrleansRedis.Redis.Locks;

/// <summary>The holder of a lock as stored in its lease value <c>{token}:{fencingToken}:{owner}</c>.</summary>
/// <param name="Token">The holder's token.</param>
/// <param name="FencingToken">The holder's fencing token.</param>
/// <param name="Owner">The holder's owner.</param>
public sealed record LockHolder(string Token, long FencingToken, string Owner)
{
    /// <summary>Parses a lease value; <see langword="null"/> when the lock is free (nil or false from Lua).</summary>
    public static LockHolder? Parse(RedisResult value)
    {
        if (ScriptReply.IsAbsent(value) || value.Resp2Type != ResultType.BulkString)
        {
            return null;
        }

        var text = (string)value!;
        var first = text.IndexOf(':', StringComparison.Ordinal);
        var second = first < 0 ? -1 : text.IndexOf(':', first + 1);
        if (second < 0 || !long.TryParse(text.AsSpan(first + 1, second - first - 1), out var fence))
        {
            // Not written by this store; report a holder whose identity is unknown rather than a free lock.
            return new LockHolder(string.Empty, 0, text);
        }

        return new LockHolder(text[..first], fence, text[(second + 1)..]);
    }
}
