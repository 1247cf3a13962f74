// Fault scenarios measure recovery times on a 2-core machine: run them one at a time so one scenario's silos do not
// steal the CPU another scenario's timings depend on.
[assembly: CollectionBehavior(DisableTestParallelization = true)]
