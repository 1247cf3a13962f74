using Orleans.Runtime;
using OrleansRedis.Abstractions.Probe;

namespace OrleansRedis.Grains.Probe;

/// <summary>A persisted register; see <see cref="IStateProbeGrain"/>.</summary>
[GrainType("probe")]
public sealed class StateProbeGrain(
    [PersistentState("probe", StorageNames.Redis)] IPersistentState<ProbeState> state,
    ILocalSiloDetails silo,
    TimeProvider time) : Grain, IStateProbeGrain
{
    /// <inheritdoc />
    public async Task<ProbeSnapshot> SetAsync(string value)
    {
        ArgumentNullException.ThrowIfNull(value);
        if (value.Length > ProbeLimits.MaxValueLength)
        {
            throw new ArgumentException($"The value is {value.Length} characters long; the limit is {ProbeLimits.MaxValueLength}.", nameof(value));
        }

        state.State.Value = value;
        state.State.Version++;
        state.State.UpdatedAtUtc = time.GetUtcNow();
        try
        {
            await state.WriteStateAsync();
        }
        catch
        {
            // A failed write leaves unsaved changes in memory, and a write whose reply was lost leaves a stale etag
            // (the next write would fail with InconsistentStateException). Reload what Redis holds; if Redis is out of
            // reach, drop the activation so the next call starts from storage.
            await ResyncAsync();
            throw;
        }

        return Snapshot();
    }

    /// <inheritdoc />
    public Task<ProbeSnapshot> GetAsync() => Task.FromResult(Snapshot());

    private async Task ResyncAsync()
    {
        try
        {
            await state.ReadStateAsync();
        }
        catch (Exception)
        {
            DeactivateOnIdle();
        }
    }

    private ProbeSnapshot Snapshot() =>
        new(state.State.Value, state.State.Version, state.State.UpdatedAtUtc, silo.SiloAddress.ToString());
}
