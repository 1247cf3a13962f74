namespace OrleansRedis.Abstractions.Users;

/// <summary>The answer to <see cref="IUserGrain.GetAsync"/>.</summary>
/// <param name="User">The user; <see langword="null"/> when no such user exists.</param>
/// <param name="Source">Where the answer came from.</param>
/// <param name="Stale">
/// <see langword="true"/> when the database could not be reached and an expired cached copy was served instead
/// (only when <c>OrleansRedis:Users:ServeStaleOnDatabaseFailure</c> is on).
/// </param>
[GenerateSerializer, Immutable, Alias("orleansredis.users.read")]
public sealed record UserReadResult(UserRecord? User, UserSource Source, bool Stale);
