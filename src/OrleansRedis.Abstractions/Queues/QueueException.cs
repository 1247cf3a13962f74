namespace OrleansRedis.Abstractions.Queues;

/// <summary>A queue operation could not do what the caller asked; <see cref="Code"/> says why.</summary>
[GenerateSerializer, Alias("orleansredis.queue.exception")]
public sealed class QueueException : Exception
{
    /// <summary>Creates an exception without a message.</summary>
    public QueueException()
    {
    }

    /// <summary>Creates an exception with <paramref name="message"/>.</summary>
    public QueueException(string message)
        : base(message)
    {
    }

    /// <summary>Creates an exception with <paramref name="message"/> caused by <paramref name="innerException"/>.</summary>
    public QueueException(string message, Exception innerException)
        : base(message, innerException)
    {
    }

    /// <summary>Creates an exception with an error code.</summary>
    public QueueException(QueueErrorCode code, string queue, string message, Exception? innerException = null)
        : base(message, innerException)
    {
        Code = code;
        Queue = queue;
    }

    /// <summary>Gets what went wrong.</summary>
    [Id(0)]
    public QueueErrorCode Code { get; init; }

    /// <summary>Gets the name of the queue concerned.</summary>
    [Id(1)]
    public string? Queue { get; init; }

    /// <summary>Gets the job concerned, when there is one.</summary>
    [Id(2)]
    public string? JobId { get; init; }

    /// <summary>Gets, for <see cref="QueueErrorCode.QueueFull"/>, how long to wait before trying again.</summary>
    [Id(3)]
    public TimeSpan? RetryAfter { get; init; }

    /// <summary>
    /// Gets, for <see cref="QueueErrorCode.Invalid"/>, the argument at fault in the HTTP API's camelCase spelling
    /// (<c>payload</c>, <c>key</c>, <c>idempotencyKey</c>, <c>delayMs</c>, <c>leaseToken</c>, <c>cron</c>...).
    /// </summary>
    [Id(4)]
    public string? Field { get; init; }
}
