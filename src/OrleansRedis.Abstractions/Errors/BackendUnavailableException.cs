namespace OrleansRedis.Abstractions.Errors;

/// <summary>
/// A grain could not reach what it depends on (Redis, the database) within its timeout. The call had no effect that
/// was acknowledged; it is safe to retry later. HTTP maps it to 503.
/// </summary>
[GenerateSerializer, Alias("orleansredis.errors.backend-unavailable")]
public sealed class BackendUnavailableException : Exception
{
    /// <summary>Creates the exception.</summary>
    /// <param name="backend">What was unreachable, e.g. <c>redis</c>.</param>
    /// <param name="message">Why.</param>
    public BackendUnavailableException(string backend, string message)
        : base(message)
    {
        Backend = backend;
    }

    /// <summary>Gets what was unreachable, e.g. <c>redis</c> or <c>database</c>.</summary>
    [Id(0)]
    public string Backend { get; }
}
