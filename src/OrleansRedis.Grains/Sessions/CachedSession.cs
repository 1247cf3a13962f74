using OrleansRedis.Abstractions.Sessions;
using OrleansRedis.Redis.Sessions;

namespace OrleansRedis.Grains.Sessions;

/// <summary>
/// What a session grain last saw in Redis, and when (by the silo's monotonic clock) it sent the script that saw it.
/// Measuring from the send, not the answer, keeps every estimate on the safe side: the Redis TTL is at least as fresh.
/// </summary>
/// <param name="Record">The session as the script returned it.</param>
/// <param name="SentAt">The <see cref="TimeProvider.GetTimestamp"/> taken just before the script was sent.</param>
internal sealed record CachedSession(SessionRecord Record, long SentAt)
{
    /// <summary>Gets the session as callers see it.</summary>
    public SessionSnapshot Snapshot { get; } = new(
        Record.UserId.Length == 0 ? null : Record.UserId,
        Record.Data,
        DateTimeOffset.FromUnixTimeMilliseconds(Record.CreatedMs),
        DateTimeOffset.FromUnixTimeMilliseconds(Math.Min(Record.IdleExpiresMs, Record.DeadlineMs)),
        DateTimeOffset.FromUnixTimeMilliseconds(Record.DeadlineMs));

    /// <summary>
    /// Gets whether a read can be answered from memory: the last slide is younger than <paramref name="resolution"/>
    /// (and than a quarter of the idle timeout), so the Redis TTL is still within that of exact, and the absolute
    /// deadline has not come.
    /// </summary>
    public bool IsFresh(TimeProvider time, TimeSpan resolution)
    {
        if (resolution <= TimeSpan.Zero)
        {
            return false;
        }

        var window = Math.Min(resolution.TotalMilliseconds, Record.IdleMs / 4.0);
        var elapsed = time.GetElapsedTime(SentAt).TotalMilliseconds;
        return elapsed < window && Record.NowMs + elapsed < Record.DeadlineMs;
    }
}
