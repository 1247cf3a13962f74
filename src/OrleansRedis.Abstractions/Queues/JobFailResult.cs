namespace OrleansRedis.Abstractions.Queues;

/// <summary>The answer to a failed attempt.</summary>
/// <param name="State"><see cref="JobState.Failed"/> when it will be retried, <see cref="JobState.Dead"/> when its attempts are spent.</param>
/// <param name="NextAttemptAtUtc">When the retry becomes ready (Redis's clock); <see langword="null"/> when dead.</param>
[GenerateSerializer, Immutable, Alias("orleansredis.queue.fail-result")]
public sealed record JobFailResult(JobState State, DateTimeOffset? NextAttemptAtUtc);
