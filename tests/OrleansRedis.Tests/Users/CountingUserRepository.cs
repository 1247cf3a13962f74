using OrleansRedis.Abstractions.Users;
using OrleansRedis.Grains.Users;

namespace OrleansRedis.Tests.Users;

/// <summary>A decorator over the real repository that records every read in <see cref="QueryLog"/> and runs its hooks.</summary>
public sealed class CountingUserRepository(IUserRepository inner) : IUserRepository
{
    public Task InitializeAsync(CancellationToken cancellationToken) => inner.InitializeAsync(cancellationToken);

    public async Task<UserLookup> GetAsync(string id, CancellationToken cancellationToken)
    {
        QueryLog.Count(id);
        var result = await inner.GetAsync(id, cancellationToken);
        await QueryLog.RunHookAsync(id);
        return result;
    }

    public Task<UserRecord> CreateAsync(string id, string name, string email, DateTimeOffset now, CancellationToken cancellationToken) =>
        inner.CreateAsync(id, name, email, now, cancellationToken);

    public Task<UserRecord> UpdateAsync(string id, string name, string email, long expectedVersion, DateTimeOffset now, CancellationToken cancellationToken) =>
        inner.UpdateAsync(id, name, email, expectedVersion, now, cancellationToken);

    public Task<long> DeleteAsync(string id, long? expectedVersion, DateTimeOffset now, CancellationToken cancellationToken) =>
        inner.DeleteAsync(id, expectedVersion, now, cancellationToken);
}
