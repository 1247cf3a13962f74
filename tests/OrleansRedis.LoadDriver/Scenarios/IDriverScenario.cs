namespace OrleansRedis.LoadDriver.Scenarios;

/// <summary>One kind of load: each worker loops until cancelled, recording every operation in the ledger.</summary>
public interface IDriverScenario
{
    /// <summary>Runs one worker's loop.</summary>
    Task RunWorkerAsync(int worker, IGrainFactory grains, Ledger ledger, CancellationToken cancellationToken);
}
