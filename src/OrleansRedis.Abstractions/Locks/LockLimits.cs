namespace OrleansRedis.Abstractions.Locks;

/// <summary>Input limits of <see cref="ILockGrain"/> that do not depend on configuration.</summary>
public static class LockLimits
{
    /// <summary>The longest lock name.</summary>
    public const int MaxNameLength = 256;

    /// <summary>The longest owner description.</summary>
    public const int MaxOwnerLength = 256;

    /// <summary>The longest token accepted as input (issued tokens are 22 characters).</summary>
    public const int MaxTokenLength = 128;

    /// <summary>Returns whether <paramref name="name"/> is a usable lock name: 1-256 characters, none of them control characters.</summary>
    public static bool IsValidName(string? name) =>
        name is { Length: > 0 and <= MaxNameLength } && !name.Any(char.IsControl);

    /// <summary>Returns whether <paramref name="owner"/> is a usable owner: 1-256 characters, none of them control characters.</summary>
    public static bool IsValidOwner(string? owner) =>
        owner is { Length: > 0 and <= MaxOwnerLength } && !owner.Any(char.IsControl);

    /// <summary>
    /// Returns whether <paramref name="token"/> can be a token: 1-128 characters, none of them control characters or
    /// <c>:</c> (issued tokens are base64url; Redis stores the lease as <c>{token}:{fencingToken}:{owner}</c>).
    /// </summary>
    public static bool IsValidToken(string? token) =>
        token is { Length: > 0 and <= MaxTokenLength } && !token.Any(c => char.IsControl(c) || c == ':');
}
