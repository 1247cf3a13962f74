using Orleans.Storage;

namespace OrleansRedis.Tests.Embedding;

/// <summary>The host's grain: default storage (memory), default storage serializer (Newtonsoft).</summary>
public sealed class HostCounterGrain([PersistentState("counter")] IPersistentState<HostCounterState> state) : Grain, IHostCounterGrain
{
    /// <inheritdoc />
    public async Task RecordAsync(string note)
    {
        state.State.Count++;
        state.State.Last = new HostNote(note);
        await state.WriteStateAsync();
    }

    /// <inheritdoc />
    public async Task<string> ReadBackTypeAsync()
    {
        await state.ReadStateAsync();
        return state.State.Last?.GetType().Name ?? "null";
    }

    /// <inheritdoc />
    public Task ConflictAsync() => throw new InconsistentStateException("The host's own etag conflict.");
}
