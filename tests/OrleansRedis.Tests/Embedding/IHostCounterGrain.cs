namespace OrleansRedis.Tests.Embedding;

/// <summary>A grain of the embedding host's own, persisted on the host's default storage and serializer.</summary>
[Alias("embedding-host-counter")]
public interface IHostCounterGrain : IGrainWithStringKey
{
    /// <summary>Records <paramref name="note"/> (kept as <see cref="object"/>, so only a type-naming serializer restores it) and writes the state.</summary>
    [Alias("record")]
    Task RecordAsync(string note);

    /// <summary>Reads the state back from storage and names the type the stored note came back as.</summary>
    [Alias("read-back")]
    Task<string> ReadBackTypeAsync();

    /// <summary>Fails the way a storage etag conflict does.</summary>
    [Alias("conflict")]
    Task ConflictAsync();
}
