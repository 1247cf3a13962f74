using OrleansRedis.Abstractions.Users;

namespace OrleansRedis.Client.Users;

/// <summary>The answer to <see cref="UserNearCache.GetAsync"/>.</summary>
/// <param name="Result">The user grain's answer (user or none, its source, stale flag), as the grain gave it.</param>
/// <param name="FromNearCache">
/// <see langword="true"/> when <paramref name="Result"/> came from this process's memory without a grain call; it
/// is then at most <see cref="UserNearCacheOptions.NearCacheTtl"/> old.
/// </param>
public sealed record NearCachedUser(UserReadResult Result, bool FromNearCache)
{
    /// <summary>Gets the user, or <see langword="null"/> when no such user exists.</summary>
    public UserRecord? User => Result.User;
}
