using OrleansRedis.Testing;

namespace OrleansRedis.FaultTests.Harness;

/// <summary>Condition waits over synchronous state (the ledger).</summary>
public static class Waits
{
    /// <summary>Waits until <paramref name="condition"/> holds.</summary>
    public static Task UntilAsync(Func<bool> condition, TimeSpan timeout, string what) =>
        Eventually.TrueAsync(() => Task.FromResult(condition()), timeout, what);
}
