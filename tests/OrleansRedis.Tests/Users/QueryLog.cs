using System.Collections.Concurrent;

namespace OrleansRedis.Tests.Users;

/// <summary>
/// Database reads per user id, counted at the repository of every in-process silo (the test silos all live in this
/// process), plus per-id hooks that run after the database answered. Keyed by id, and every test uses fresh ids, so
/// test classes running in parallel never see each other's counts.
/// </summary>
public static class QueryLog
{
    private static readonly ConcurrentDictionary<string, int> Reads = new();
    private static readonly ConcurrentDictionary<string, Func<Task>> Hooks = new();

    /// <summary>Gets how many database reads of <paramref name="id"/> the silos made.</summary>
    public static int ReadsOf(string id) => Reads.TryGetValue(id, out var count) ? count : 0;

    /// <summary>Gets the total database reads of <paramref name="ids"/>.</summary>
    public static int ReadsOf(IEnumerable<string> ids) => ids.Sum(ReadsOf);

    /// <summary>Runs <paramref name="hook"/> after every database read of <paramref name="id"/>, before the grain sees the row.</summary>
    public static void AfterRead(string id, Func<Task> hook) => Hooks[id] = hook;

    /// <summary>Removes the hook of <paramref name="id"/>.</summary>
    public static void ClearHook(string id) => Hooks.TryRemove(id, out _);

    /// <summary>Counts a read of <paramref name="id"/> (made, whether or not the database answers).</summary>
    public static void Count(string id) => Reads.AddOrUpdate(id, 1, (_, count) => count + 1);

    /// <summary>Runs the hook of <paramref name="id"/>, if any.</summary>
    public static Task RunHookAsync(string id) => Hooks.TryGetValue(id, out var hook) ? hook() : Task.CompletedTask;
}
