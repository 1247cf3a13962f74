using OrleansRedis.Abstractions.Probe;

namespace OrleansRedis.LoadDriver.Scenarios;

/// <summary>
/// Persisted grain state under load: each worker writes increasing sequence numbers into its own probe keys, so the
/// test can check afterwards that no acknowledged write was lost (stored sequence >= last acknowledged one).
/// </summary>
public sealed class ProbeWritesScenario(int keysPerWorker, string runId) : IDriverScenario
{
    /// <inheritdoc />
    public async Task RunWorkerAsync(int worker, IGrainFactory grains, Ledger ledger, CancellationToken cancellationToken)
    {
        var sequence = new long[keysPerWorker];
        for (var i = 0; !cancellationToken.IsCancellationRequested; i++)
        {
            var slot = i % keysPerWorker;
            var key = $"{runId}-w{worker}-k{slot}";
            var value = ++sequence[slot];
            if (!await ledger.RecordAsync("probe", key, value.ToString(), () => grains.GetGrain<IStateProbeGrain>(key).SetAsync(value.ToString())))
            {
                // A failed call (a silo or Redis just died): back off briefly instead of spinning on rejections, which
                // costs the recovering silos the CPU they need.
                await Task.Delay(10, CancellationToken.None);
            }
        }
    }
}
