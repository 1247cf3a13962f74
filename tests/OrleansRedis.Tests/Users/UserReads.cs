using OrleansRedis.Abstractions.Users;

namespace OrleansRedis.Tests.Users;

/// <summary>Fires concurrent reads of one user from several grain factories (clients and silos), round-robin.</summary>
public static class UserReads
{
    /// <summary>Starts <paramref name="count"/> reads of <paramref name="id"/> at once and returns every answer.</summary>
    public static Task<UserReadResult[]> ConcurrentlyAsync(IReadOnlyList<IGrainFactory> readers, string id, int count)
    {
        var reads = Enumerable.Range(0, count)
            .Select(i => readers[i % readers.Count].GetGrain<IUserGrain>(id).GetAsync())
            .ToArray();
        return Task.WhenAll(reads);
    }

    /// <summary>Returns a fresh user id.</summary>
    public static string NewId(string prefix) => $"{prefix}-{Guid.NewGuid():N}";
}
