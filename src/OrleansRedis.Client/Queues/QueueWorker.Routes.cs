using Microsoft.Extensions.Logging;
using OrleansRedis.Abstractions.Queues;

namespace OrleansRedis.Client.Queues;

// Which way the worker's calls to each partition go (QueueWorkerOptions.UsePartitionRelays).
public sealed partial class QueueWorker
{
    // Relays tried per partition: the client gives each grain it calls for the first time the next of its gateways in
    // turn, so a few relays cover every gateway; a partition on a silo that is none of the client's gateways (or whose
    // relays all landed elsewhere) keeps its direct calls.
    private const int MaxRelayProbes = 8;

    // Lookups in a row that may try new relays for a partition none of whose relays answered from its silo.
    private const int MaxRelayRounds = 4;

    // A route is looked up again after this: a partition moves when its silo stops, and a gateway connection that is
    // replaced gives its grains new gateways. A stale route still works (its calls are forwarded, as direct ones are).
    private static readonly TimeSpan RouteRefresh = TimeSpan.FromSeconds(30);

    private readonly PartitionRoutes _routes;

    /// <summary>Looks the partitions' relays up now (tests; the worker does it by itself); answers how many have one.</summary>
    internal async Task<int> LookUpRoutesAsync()
    {
        var shape = await ShapeAsync().ConfigureAwait(false);
        var table = await _routes.LookUpAsync(shape.Name, shape.Partitions).ConfigureAwait(false);
        return table.Relays.Count(r => r is not null);
    }

    /// <summary>The relay each partition's calls go through (null: direct), as last looked up.</summary>
    private sealed record RouteTable(string Queue, IQueuePartitionGrain?[] Relays, long LookedUpAt);

    /// <summary>
    /// Finds, per partition, a relay (<see cref="IQueuePartitionRelayGrain"/>) that runs on the partition's silo, which
    /// is where the relay's calls come in from this client: the relay's own silo is the gateway its grain id was given.
    /// </summary>
    private sealed class PartitionRoutes(QueueWorker worker)
    {
        private volatile RouteTable? _table;
        private int[] _starts = [];
        private int _lookingUp;

        /// <summary>The partition's relay, when one was found (looking the routes up again in the background when due).</summary>
        public IQueuePartitionGrain? Get(string queue, int partition)
        {
            if (!worker._options.UsePartitionRelays)
            {
                return null;
            }

            var table = _table;
            if ((table is null || worker._time.GetElapsedTime(table.LookedUpAt) >= RouteRefresh) && worker._shape is { } shape
                && Interlocked.CompareExchange(ref _lookingUp, 1, 0) == 0)
            {
                _ = LookUpAsync(shape.Name, shape.Partitions);
            }

            return table is not null && table.Queue == queue && (uint)partition < (uint)table.Relays.Length ? table.Relays[partition] : null;
        }

        /// <summary>Looks up every partition's relay; the table answered so far stays until this one is complete.</summary>
        public async Task<RouteTable> LookUpAsync(string queue, int partitions)
        {
            // A partition not reached this time keeps the route it had (a stale route still works).
            var relays = _table is { } last && last.Queue == queue && last.Relays.Length == partitions
                ? (IQueuePartitionGrain?[])last.Relays.Clone()
                : new IQueuePartitionGrain?[partitions];
            var starts = _starts.Length == partitions ? _starts : new int[partitions];
            try
            {
                // One partition after another, never side by side: the client hands new grains its gateways in turn,
                // and partitions probed in step would each be handed the same gateway at every step (two partitions,
                // two gateways: one always the first, the other always the second).
                for (var p = 0; p < partitions; p++)
                {
                    (relays[p], starts[p]) = await FindAsync(queue, p, starts[p]).ConfigureAwait(false);
                }
            }
            catch (Exception ex)
            {
                // A silo stopping, a partition activating elsewhere: the routes found stand, the others stay as they
                // were until the next lookup.
                worker.LogRoutesFailed(queue, ex.GetType().Name, ex.Message);
            }

            _starts = starts;
            var table = new RouteTable(queue, relays, worker._time.GetTimestamp());
            _table = table;
            Volatile.Write(ref _lookingUp, 0);
            return table;
        }

        // From the relay that answered last time (the same grain keeps its gateway while its connection lives); after a
        // miss, the next lookup tries relays it has not tried yet (new grains, new gateways), going round after
        // MaxRelayRounds misses so that the relays probed stay bounded.
        private async Task<(IQueuePartitionGrain? Relay, int Start)> FindAsync(string queue, int partition, int start)
        {
            var home = await worker.DirectPartition(queue, partition).GetSiloAsync().ConfigureAwait(false);
            for (var i = 0; i < MaxRelayProbes; i++)
            {
                var n = (start + i) % (MaxRelayProbes * MaxRelayRounds);
                var relay = worker._grains.GetGrain<IQueuePartitionRelayGrain>($"{PartitionKey(queue, partition)}/r/{n}");
                if ((await relay.GetRelaySiloAsync().ConfigureAwait(false)).Equals(home))
                {
                    return (relay, n);
                }
            }

            return (null, (start + MaxRelayProbes) % (MaxRelayProbes * MaxRelayRounds));
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Queue {Queue}: looking up the partitions' relays failed ({ExceptionType}: {Reason}); the routes not looked up stay as they were")]
    private partial void LogRoutesFailed(string queue, string exceptionType, string reason);
}
