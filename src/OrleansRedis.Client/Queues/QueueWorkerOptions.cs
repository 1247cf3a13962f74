namespace OrleansRedis.Client.Queues;

/// <summary>
/// How a <see cref="QueueWorker"/> leases and runs the jobs of its queue. Set in code by
/// <c>AddOrleansRedisQueueWorker("queue", options => ..., handler)</c>: named options, one set per queue.
/// </summary>
public sealed class QueueWorkerOptions
{
    /// <summary>Gets the queue the worker serves (set by the registration).</summary>
    public string Queue { get; internal set; } = string.Empty;

    /// <summary>Gets or sets the worker's name, shown on the jobs it leases.</summary>
    /// <value>The default is <c>{machine name}/{process id}</c>.</value>
    public string Worker { get; set; } = $"{Environment.MachineName}/{Environment.ProcessId}";

    /// <summary>Gets or sets how many jobs run at once. The worker never holds more leases than this.</summary>
    /// <value>The default is 8. From 1 to 10000.</value>
    public int Concurrency { get; set; } = 8;

    /// <summary>
    /// Gets or sets the most jobs one lease call asks for. Each call asks for at most the free slots, so a worker holds no
    /// lease it cannot start at once (a job is never stuck in a local buffer while another worker is idle).
    /// </summary>
    /// <value>The default is <see langword="null"/>: as many as <see cref="Concurrency"/> (at most 1000).</value>
    public int? BatchSize { get; set; }

    /// <summary>Gets or sets the lease each job gets, renewed by heartbeats while its handler runs.</summary>
    /// <value>The default is 30 seconds. From 1 second to the queue's <c>MaxLeaseTime</c> (1 hour by default); a lease the queue refuses stops the worker at its first lease (<see cref="Microsoft.Extensions.Options.OptionsValidationException"/>).</value>
    public TimeSpan LeaseTime { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>
    /// Gets or sets how often a running job's lease is extended. Must be shorter than <see cref="LeaseTime"/>; a third
    /// of it leaves two more tries before the lease would run out.
    /// </summary>
    /// <value>The default is <see langword="null"/>: a third of <see cref="LeaseTime"/>.</value>
    public TimeSpan? HeartbeatInterval { get; set; }

    /// <summary>
    /// Gets or sets how long one lease call waits for work when none is ready (long poll, woken by enqueues: no
    /// polling). The silo cuts it to its <c>Queues:MaxWait</c>.
    /// </summary>
    /// <value>The default is 10 seconds. From 0 to 25 seconds (below the 30 s grain call timeout).</value>
    public TimeSpan MaxWait { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>Gets or sets the pause after a transient failure (cluster or Redis unreachable) before trying again.</summary>
    /// <value>The default is 1 second. From 1 ms to 1 minute.</value>
    public TimeSpan RetryDelay { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>
    /// Gets or sets the longest a stopping worker waits for its running jobs to finish. Jobs still running then are
    /// returned: their handlers are cancelled and the jobs failed back with no backoff, so another worker takes them at
    /// once (the attempt counts, as a crash's would).
    /// </summary>
    /// <value>The default is <see langword="null"/>: until the host's shutdown timeout (<c>HostOptions.ShutdownTimeout</c>, 30 s by default) runs out.</value>
    public TimeSpan? DrainTimeout { get; set; }

    /// <summary>
    /// Gets or sets whether the worker calls each partition through a relay on the partition's own silo
    /// (<c>IQueuePartitionRelayGrain</c>): an Orleans client sends a grain's calls through one gateway, picked when it
    /// first calls that grain, and a gateway that does not host the partition forwards each call and each answer. The
    /// worker looks its relays up when it starts and every 30 s (a partition moves when its silo stops); until then,
    /// and for a partition on a silo it has no gateway to, it calls the partition as before.
    /// </summary>
    /// <value>The default is <see langword="true"/>.</value>
    public bool UsePartitionRelays { get; set; } = true;

    /// <summary>Gets or sets the longest returning the unfinished jobs may take at the end of a stop.</summary>
    /// <value>The default is 5 seconds. From 1 ms to 1 minute.</value>
    public TimeSpan ReturnTimeout { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>Gets the heartbeat interval in effect.</summary>
    internal TimeSpan EffectiveHeartbeatInterval => HeartbeatInterval ?? LeaseTime / 3;

    /// <summary>Gets the lease batch in effect.</summary>
    internal int EffectiveBatchSize => Math.Min(BatchSize ?? Concurrency, Math.Min(Concurrency, QueueWorkerOptionsValidator.MaxBatchSize));
}
