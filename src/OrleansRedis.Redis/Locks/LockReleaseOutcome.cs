namespace OrleansRedis.Redis.Locks;

/// <summary>The outcome of a release, with the hand-off to the next waiter when one was asked for.</summary>
/// <param name="Released">Whether the token held the lock and its lease was deleted.</param>
/// <param name="Next">The attempt made for the next waiter; <see langword="null"/> when none was asked for.</param>
public sealed record LockReleaseOutcome(bool Released, LockAttempt? Next);
