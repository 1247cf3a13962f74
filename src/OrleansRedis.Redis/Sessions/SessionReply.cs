namespace OrleansRedis.Redis.Sessions;

/// <summary>
/// The one reader of the session scripts' replies (<see cref="ScriptReply"/>): <c>status</c> is <c>found</c>,
/// <c>missing</c>, <c>expired</c>, <c>conflict</c> or <c>exists</c>; a found session adds <c>user</c>, <c>created</c>,
/// <c>deadline</c>, <c>idle</c>, <c>version</c>, <c>now</c> and <c>ttl</c> (Unix ms of Redis's clock), and
/// <c>data</c> unless the caller already has it.
/// </summary>
internal static class SessionReply
{
    private static readonly ReplyField Status = new("status");
    private static readonly ReplyField User = new("user");
    private static readonly ReplyField Data = new("data");
    private static readonly ReplyField Created = new("created");
    private static readonly ReplyField Deadline = new("deadline");
    private static readonly ReplyField Idle = new("idle");
    private static readonly ReplyField Version = new("version");
    private static readonly ReplyField Now = new("now");
    private static readonly ReplyField Ttl = new("ttl");

    /// <summary>Parses a session script's reply.</summary>
    /// <param name="reply">The reply.</param>
    /// <param name="knownData">The data to use when the reply leaves <c>data</c> out (the caller wrote or holds it).</param>
    public static SessionResult Read(ScriptReply reply, string? knownData)
    {
        var status = reply.String(Status) switch
        {
            "found" => SessionStatus.Found,
            "missing" => SessionStatus.Missing,
            "expired" => SessionStatus.Expired,
            "conflict" => SessionStatus.Conflict,
            "exists" => SessionStatus.Exists,
            var other => throw new StackExchange.Redis.RedisException($"A session script answered the unknown status '{other}'."),
        };
        if (status != SessionStatus.Found)
        {
            return SessionResult.Of(status);
        }

        var data = reply.OptionalString(Data) ?? knownData
            ?? throw new StackExchange.Redis.RedisException("A session script left out the data the caller does not have.");
        return new SessionResult(SessionStatus.Found, new SessionRecord(
            reply.String(User), data, reply.Int64(Created), reply.Int64(Deadline), reply.Int64(Idle), reply.Int64(Version),
            reply.Int64(Now), reply.Int64(Ttl)));
    }
}
