using OrleansRedis.Testing;

namespace OrleansRedis.FaultTests.Harness;

/// <summary>The fault tests' view of a <see cref="LoadDriverProcess"/>: started against a <see cref="FaultCluster"/>, read as a ledger.</summary>
public static class LoadDriverLedger
{
    extension(LoadDriverProcess)
    {
        /// <summary>Starts the driver against <paramref name="cluster"/> and waits until it is connected.</summary>
        public static Task<LoadDriverProcess> StartAsync(FaultCluster cluster, string scenario, int workers, IReadOnlyDictionary<string, string>? extra = null) =>
            LoadDriverProcess.StartAsync(cluster.ClientRedis, cluster.ClusterId, cluster.ServiceId, scenario, workers, extra);
    }

    extension(LoadDriverProcess driver)
    {
        /// <summary>Gets the ledger parsed from the lines printed so far.</summary>
        public LedgerSummary Ledger => LedgerSummary.Parse(driver.Lines);

        /// <summary>Waits until the ledger has at least <paramref name="count"/> more acknowledgements than now.</summary>
        public Task WaitForAcksAsync(int count, TimeSpan timeout)
        {
            var target = driver.Acks + count;
            return Eventually.TrueAsync(() => Task.FromResult(driver.Acks >= target), timeout, $"the driver gets {count} more acknowledgements");
        }
    }
}
