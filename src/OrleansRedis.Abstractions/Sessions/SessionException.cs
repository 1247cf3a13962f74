namespace OrleansRedis.Abstractions.Sessions;

/// <summary>
/// A session operation was refused; nothing was changed. <see cref="Error"/> tells why. Crosses grain calls intact.
/// </summary>
[GenerateSerializer, Alias("orleansredis.session.exception")]
public sealed class SessionException : Exception
{
    /// <summary>Creates an exception for <paramref name="error"/> with a message for people.</summary>
    public SessionException(SessionError error, string message)
        : base(message)
    {
        Error = error;
    }

    /// <summary>Gets why the operation was refused.</summary>
    [Id(0)]
    public SessionError Error { get; private set; }
}
