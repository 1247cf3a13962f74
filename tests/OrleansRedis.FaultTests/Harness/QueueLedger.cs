using System.Globalization;
using OrleansRedis.Testing;
using StackExchange.Redis;

namespace OrleansRedis.FaultTests.Harness;

/// <summary>
/// The ledger Redis of the queue fault tests (a server of its own that no fault touches), as the ledger handler of
/// <c>OrleansRedis.QueueWorker</c> writes it: every run, the deduplicated side effects, per-key order violations and
/// schedule ticks. Times are the ledger's <c>TIME</c> in unix ms.
/// </summary>
public sealed class QueueLedger : IAsyncDisposable
{
    private readonly RedisServer _server;
    private readonly ConnectionMultiplexer _connection;

    private QueueLedger(RedisServer server, ConnectionMultiplexer connection)
    {
        _server = server;
        _connection = connection;
    }

    /// <summary>Gets the connection string the job runners write to.</summary>
    public string ConnectionString => _server.ConnectionString;

    private IDatabase Database => _connection.GetDatabase();

    /// <summary>Starts the ledger's own redis-server.</summary>
    public static async Task<QueueLedger> StartAsync()
    {
        var server = await RedisServer.StartAsync();
        return new QueueLedger(server, await server.ConnectAsync());
    }

    /// <summary>Returns the ledger's clock in unix ms.</summary>
    public async Task<long> NowAsync()
    {
        var time = (RedisResult[])(await Database.ExecuteAsync("TIME"))!;
        return (long)time[0] * 1000 + (long)time[1] / 1000;
    }

    /// <summary>Returns how many side effects happened (one per job id at most).</summary>
    public async Task<long> EffectsAsync() => (long?)await Database.StringGetAsync("effects") ?? 0;

    /// <summary>Returns every run recorded so far, in the order they started.</summary>
    public async Task<IReadOnlyList<JobRun>> RunsAsync() =>
        (await Database.ListRangeAsync("runs")).Select(v => JobRun.Parse(v.ToString())).ToList();

    /// <summary>Returns the last <paramref name="count"/> runs recorded, in the order they started.</summary>
    public async Task<IReadOnlyList<JobRun>> LatestRunsAsync(int count) =>
        (await Database.ListRangeAsync("runs", -count, -1)).Select(v => JobRun.Parse(v.ToString())).ToList();

    /// <summary>Returns the per-key order violations recorded so far.</summary>
    public async Task<IReadOnlyList<string>> ViolationsAsync() =>
        (await Database.ListRangeAsync("violations")).Select(v => v.ToString()).ToList();

    /// <summary>Returns the schedule ticks run (each job id once) with their enqueue times, in run order.</summary>
    public async Task<IReadOnlyList<(string JobId, long EnqueuedAtMs)>> TicksAsync() =>
        (await Database.ListRangeAsync("ticks")).Select(v => v.ToString().Split(' '))
            .Select(p => (p[0], long.Parse(p[1], CultureInfo.InvariantCulture))).ToList();

    /// <inheritdoc />
    public async ValueTask DisposeAsync()
    {
        await _connection.DisposeAsync();
        await _server.DisposeAsync();
    }
}

/// <summary>One run of a job as the ledger recorded it at its start.</summary>
/// <param name="JobId">The job's id.</param>
/// <param name="Key">The job's order key.</param>
/// <param name="Seq">The job's place in its key (from 1).</param>
/// <param name="Who">The runner: <c>silo:{pid}</c> or <c>worker:{pid}</c>.</param>
/// <param name="AtMs">When the run started (the ledger's clock, unix ms).</param>
public sealed record JobRun(string JobId, string Key, long Seq, string Who, long AtMs)
{
    /// <summary>Parses <c>"{jobId} {key} {seq} {who} {ms}"</c>.</summary>
    public static JobRun Parse(string line)
    {
        var p = line.Split(' ');
        return new JobRun(p[0], p[1], long.Parse(p[2], CultureInfo.InvariantCulture), p[3], long.Parse(p[4], CultureInfo.InvariantCulture));
    }
}
