using OrleansRedis.Abstractions.Configuration;
using OrleansRedis.Abstractions.Queues;

namespace OrleansRedis.Client.Queues;

/// <summary>Validates <see cref="QueueWorkerOptions"/>, naming the worker's queue and each bad setting.</summary>
public sealed class QueueWorkerOptionsValidator : SettingsValidator<QueueWorkerOptions>
{
    /// <summary>The most jobs one lease call may ask for.</summary>
    public const int MaxBatchSize = 1000;

    /// <summary>The longest <see cref="QueueWorkerOptions.MaxWait"/>: below Orleans' 30 s call timeout.</summary>
    public static readonly TimeSpan MaxWaitLimit = TimeSpan.FromSeconds(25);

    /// <inheritdoc />
    protected override IEnumerable<string> Check(QueueWorkerOptions options) => Errors(options);

    /// <summary>Lists every problem in <paramref name="options"/>.</summary>
    public static IEnumerable<string> Errors(QueueWorkerOptions options)
    {
        var worker = $"The worker of queue '{options.Queue}':";
        if (!QueueLimits.IsValidWorker(options.Worker))
        {
            yield return $"{worker} Worker must be 1-{QueueLimits.MaxWorkerLength} characters without control characters.";
        }

        if (options.Concurrency is < 1 or > 10_000)
        {
            yield return $"{worker} Concurrency must be from 1 to 10000 (it was {options.Concurrency}).";
        }

        if (options.BatchSize is < 1 or > MaxBatchSize)
        {
            yield return $"{worker} BatchSize must be from 1 to {MaxBatchSize} when set (it was {options.BatchSize}).";
        }

        if (options.LeaseTime < TimeSpan.FromSeconds(1) || options.LeaseTime > TimeSpan.FromDays(1))
        {
            yield return $"{worker} LeaseTime must be at least 00:00:01 and at most 1.00:00:00 (it was {options.LeaseTime}).";
        }

        if (options.HeartbeatInterval is { } heartbeat && (heartbeat < TimeSpan.FromMilliseconds(1) || heartbeat >= options.LeaseTime))
        {
            yield return $"{worker} HeartbeatInterval must be at least 1 ms and shorter than LeaseTime ({options.LeaseTime}) (it was {heartbeat}).";
        }

        if (options.MaxWait < TimeSpan.Zero || options.MaxWait > MaxWaitLimit)
        {
            yield return $"{worker} MaxWait must be from 0 to {MaxWaitLimit} (it was {options.MaxWait}).";
        }

        if (options.RetryDelay < TimeSpan.FromMilliseconds(1) || options.RetryDelay > TimeSpan.FromMinutes(1))
        {
            yield return $"{worker} RetryDelay must be at least 1 ms and at most 00:01:00 (it was {options.RetryDelay}).";
        }

        if (options.DrainTimeout is { } drain && drain < TimeSpan.Zero)
        {
            yield return $"{worker} DrainTimeout must not be negative when set (it was {drain}).";
        }

        if (options.ReturnTimeout < TimeSpan.FromMilliseconds(1) || options.ReturnTimeout > TimeSpan.FromMinutes(1))
        {
            yield return $"{worker} ReturnTimeout must be at least 1 ms and at most 00:01:00 (it was {options.ReturnTimeout}).";
        }
    }
}
