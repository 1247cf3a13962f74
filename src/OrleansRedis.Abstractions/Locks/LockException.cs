namespace OrleansRedis.Abstractions.Locks;

/// <summary>A lock operation could not do what the caller needs; <see cref="Code"/> says why.</summary>
[GenerateSerializer, Alias("orleansredis.lock.exception")]
public sealed class LockException : Exception
{
    /// <summary>Creates an exception without a message.</summary>
    public LockException()
    {
    }

    /// <summary>Creates an exception with <paramref name="message"/>.</summary>
    public LockException(string message)
        : base(message)
    {
    }

    /// <summary>Creates an exception with <paramref name="message"/> caused by <paramref name="innerException"/>.</summary>
    public LockException(string message, Exception innerException)
        : base(message, innerException)
    {
    }

    /// <summary>Creates an exception with an error code.</summary>
    public LockException(LockErrorCode code, string lockName, string message, Exception? innerException = null)
        : base(message, innerException)
    {
        Code = code;
        LockName = lockName;
    }

    /// <summary>Gets what went wrong.</summary>
    [Id(0)]
    public LockErrorCode Code { get; init; }

    /// <summary>Gets the name of the lock concerned.</summary>
    [Id(1)]
    public string? LockName { get; init; }
}
