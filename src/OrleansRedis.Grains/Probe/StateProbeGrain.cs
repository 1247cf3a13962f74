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

        var previous = (state.State.Value, state.State.Version, state.State.UpdatedAtUtc);
        state.State.Value = value;
        state.State.Version++;
        state.State.UpdatedAtUtc = time.GetUtcNow();
        try
        {
            await state.WriteStateAsync();
        }
        catch
        {
            // A failed write leaves unsaved changes in memory; put the last persisted values back so the next read
            // never reports a write that Redis did not take.
            (state.State.Value, state.State.Version, state.State.UpdatedAtUtc) = previous;
            throw;
        }

        return Snapshot();
    }

    /// <inheritdoc />
    public Task<ProbeSnapshot> GetAsync() => Task.FromResult(Snapshot());

    private ProbeSnapshot Snapshot() =>
        new(state.State.Value, state.State.Version, state.State.UpdatedAtUtc, silo.SiloAddress.ToString());
}
