using OrleansRedis.Abstractions.Users;
using OrleansRedis.Grains.Users;
using OrleansRedis.Testing;

namespace OrleansRedis.Bench.Scenarios;

/// <summary>
/// The silos' own SQLite file (their default <c>.data/users.db</c> next to the built host), opened from the benchmark
/// process: the peer libraries load from the very database the grains load from, and every peer load is counted here.
/// </summary>
public sealed class UserBenchDatabase
{
    private readonly SqliteUserRepository _repository =
        new($"Data Source={Path.Combine(Path.GetDirectoryName(RepositoryPaths.SiloDll)!, ".data", "users.db")}", TimeSpan.FromSeconds(10));

    private long _reads;

    /// <summary>Gets how many reads the peer libraries made.</summary>
    public long Reads => Interlocked.Read(ref _reads);

    /// <summary>Inserts <paramref name="count"/> users with ids <c>{prefix}-{n}</c> and returns the ids.</summary>
    public async Task<IReadOnlyList<string>> InsertAsync(string prefix, int count)
    {
        var ids = Enumerable.Range(0, count).Select(i => $"{prefix}-{i}").ToList();
        await Parallel.ForEachAsync(ids, new ParallelOptions { MaxDegreeOfParallelism = 8 }, async (id, token) =>
            await _repository.CreateAsync(id, $"User {id}", $"{id}@example.com", DateTimeOffset.UtcNow, token));
        return ids;
    }

    /// <summary>Loads one user for a peer library, counting the read.</summary>
    public async Task<UserRecord?> LoadAsync(string id, CancellationToken cancellationToken)
    {
        Interlocked.Increment(ref _reads);
        return (await _repository.GetAsync(id, cancellationToken)).User;
    }
}
