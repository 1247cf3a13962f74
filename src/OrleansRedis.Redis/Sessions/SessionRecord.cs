namespace OrleansRedis.Redis.Sessions;

/// <summary>A session as one script saw it in Redis. Times are Unix milliseconds of Redis's clock.</summary>
/// <param name="UserId">The user the session belongs to; empty for an anonymous session.</param>
/// <param name="Data">The session data, a JSON object.</param>
/// <param name="CreatedMs">When the session (its first id, for a rotated one) was created.</param>
/// <param name="DeadlineMs">The absolute deadline.</param>
/// <param name="IdleMs">The idle timeout.</param>
/// <param name="Version">Counts writes of the data; a conditional write compares it.</param>
/// <param name="NowMs">Redis's clock when the script ran.</param>
/// <param name="TtlMs">The TTL the script left on the key.</param>
public sealed record SessionRecord(
    string UserId, string Data, long CreatedMs, long DeadlineMs, long IdleMs, long Version, long NowMs, long TtlMs)
{
    /// <summary>Gets when the session ends unless it is read again.</summary>
    public long IdleExpiresMs => NowMs + TtlMs;
}
