namespace OrleansRedis.FaultTests.Harness;

/// <summary>Scenario sizes, overridable by environment variables for a longer soak than the default suite runs.</summary>
public static class FaultSettings
{
    /// <summary>Reads <paramref name="name"/> as a positive number, or <paramref name="fallback"/>.</summary>
    public static int Get(string name, int fallback) =>
        int.TryParse(Environment.GetEnvironmentVariable(name), out var value) && value > 0 ? value : fallback;
}
