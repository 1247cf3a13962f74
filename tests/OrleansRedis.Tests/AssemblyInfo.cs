// Each test collection starts a 2-silo cluster or silo processes. Two collections at a time, whatever the machine's
// core count, is what the suite is tuned for (CI and development machines have 2 cores, shared); "conservative" starts
// a test only when another has finished, so a started test is not starved by ones queued behind it. Tests decided by
// real time sit in the serial WallClockCollection, which runs after all of these.
[assembly: CollectionBehavior(MaxParallelThreads = 2, ParallelAlgorithm = Xunit.Sdk.ParallelAlgorithm.Conservative)]
