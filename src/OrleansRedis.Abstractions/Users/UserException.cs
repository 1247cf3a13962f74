namespace OrleansRedis.Abstractions.Users;

/// <summary>A user operation failed for a reason the caller can act on; see <see cref="Code"/>.</summary>
[GenerateSerializer, Alias("orleansredis.users.exception")]
public sealed class UserException : Exception
{
    /// <summary>Creates the exception.</summary>
    /// <param name="code">Why the operation failed.</param>
    /// <param name="message">A message naming the user and the reason.</param>
    /// <param name="currentVersion">The user's current version, when known (version conflicts).</param>
    /// <param name="innerException">The underlying failure, if any.</param>
    public UserException(UserErrorCode code, string message, long? currentVersion = null, Exception? innerException = null)
        : base(message, innerException)
    {
        Code = code;
        CurrentVersion = currentVersion;
    }

    /// <summary>Gets why the operation failed.</summary>
    [Id(0)]
    public UserErrorCode Code { get; }

    /// <summary>Gets the user's current version when the failure is a <see cref="UserErrorCode.VersionConflict"/>.</summary>
    [Id(1)]
    public long? CurrentVersion { get; }
}
