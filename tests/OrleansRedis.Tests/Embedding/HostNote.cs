namespace OrleansRedis.Tests.Embedding;

/// <summary>The value the host grain stores behind an <see cref="object"/>-typed property.</summary>
/// <param name="Text">The note.</param>
public sealed record HostNote(string Text);
