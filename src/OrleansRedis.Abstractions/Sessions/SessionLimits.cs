namespace OrleansRedis.Abstractions.Sessions;

/// <summary>Fixed input limits of the session store (the configurable ones live in the silo's options).</summary>
public static class SessionLimits
{
    /// <summary>The longest user id accepted.</summary>
    public const int MaxUserIdLength = 256;

    /// <summary>The shortest idle or absolute timeout a session may have.</summary>
    public static readonly TimeSpan MinTimeout = TimeSpan.FromSeconds(1);

    /// <summary>Gets whether <paramref name="userId"/> is 1-<see cref="MaxUserIdLength"/> characters without control characters.</summary>
    public static bool IsValidUserId(string? userId) =>
        userId is { Length: > 0 and <= MaxUserIdLength } && !userId.Any(char.IsControl) && !string.IsNullOrWhiteSpace(userId);
}
