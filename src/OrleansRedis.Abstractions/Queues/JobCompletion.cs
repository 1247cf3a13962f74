namespace OrleansRedis.Abstractions.Queues;

/// <summary>One completion of a batch (<see cref="IQueuePartitionGrain.CompleteManyAndLeaseAsync"/>).</summary>
/// <param name="JobId">The job's id.</param>
/// <param name="LeaseToken">The token of the lease that ran it.</param>
/// <param name="Result">The handler's result (JSON), or <see langword="null"/>.</param>
[GenerateSerializer, Immutable, Alias("orleansredis.queue.completion")]
public sealed record JobCompletion(string JobId, string LeaseToken, string? Result);

/// <summary>What became of one completion of a batch.</summary>
public enum JobCompletionStatus
{
    /// <summary>Completed (or already completed with this token: a retried call).</summary>
    Completed,

    /// <summary>The token no longer holds the job (or the id is not this partition's): nothing was done.</summary>
    LeaseLost,

    /// <summary>The completion was refused as bad input (a result too large); the lease still holds.</summary>
    Refused,
}

/// <summary>The answer to <see cref="IQueuePartitionGrain.CompleteManyAndLeaseAsync"/>.</summary>
/// <param name="Statuses">One status per completion, in order.</param>
/// <param name="Reasons">Per completion, why it was refused (<see langword="null"/> unless <see cref="JobCompletionStatus.Refused"/>).</param>
/// <param name="Leased">The jobs leased for the caller after the completions (from this partition).</param>
[GenerateSerializer, Immutable, Alias("orleansredis.queue.completions")]
public sealed record JobCompletions(IReadOnlyList<JobCompletionStatus> Statuses, IReadOnlyList<string?> Reasons, IReadOnlyList<LeasedJob> Leased);
