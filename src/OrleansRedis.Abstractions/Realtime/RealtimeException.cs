namespace OrleansRedis.Abstractions.Realtime;

/// <summary>A topic or presence call was refused because of its input; nothing was published or changed.</summary>
[GenerateSerializer, Alias("orleansredis.realtime.exception")]
public sealed class RealtimeException : Exception
{
    /// <summary>Creates an exception without a message.</summary>
    public RealtimeException()
    {
    }

    /// <summary>Creates an exception with <paramref name="message"/>.</summary>
    public RealtimeException(string message)
        : base(message)
    {
    }

    /// <summary>Creates an exception with <paramref name="message"/> caused by <paramref name="innerException"/>.</summary>
    public RealtimeException(string message, Exception innerException)
        : base(message, innerException)
    {
    }

    /// <summary>Creates an exception with an error code.</summary>
    public RealtimeException(RealtimeErrorCode code, string message)
        : base(message)
    {
        Code = code;
    }

    /// <summary>Gets what was wrong.</summary>
    [Id(0)]
    public RealtimeErrorCode Code { get; init; }
}
