namespace OrleansRedis.Tests.Embedding;

/// <summary>The host grain's state: Newtonsoft's <c>$type</c> names are what bring <see cref="Last"/> back as a <see cref="HostNote"/>.</summary>
public sealed class HostCounterState
{
    /// <summary>Gets or sets how many notes were recorded.</summary>
    public int Count { get; set; }

    /// <summary>Gets or sets the last note, deliberately untyped.</summary>
    public object? Last { get; set; }
}
