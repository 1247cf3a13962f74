using System.Text.Json;
using OrleansRedis.Abstractions.Queues;
using StackExchange.Redis;

namespace OrleansRedis.QueueWorker;

/// <summary>
/// The job handler of the queue fault tests, the same for in-silo handlers and external workers. Every run is recorded
/// in the ledger Redis (a server of its own that no fault touches) by one script, at the start of the run:
/// <list type="bullet">
/// <item><c>runs</c> (LIST): <c>"{jobId} {key} {seq} {who} {ms}"</c> per run, so duplicates can be counted.</item>
/// <item><c>effect:{jobId}</c> (SET NX) and <c>effects</c> (INCR when the SET took): the side effect, deduplicated by
/// job id, so it happens exactly once however often the job runs.</item>
/// <item><c>lastseq</c> (HASH key -> highest seq started) and <c>violations</c> (LIST): a job of a key that starts
/// before an earlier one of its key (<c>regress</c>) or that skips one (<c>gap</c>) breaks per-key order.</item>
/// <item><c>ticks</c> (LIST): <c>"{jobId} {enqueuedAt ms}"</c> for jobs without a key and seq (recurring schedule ticks).</item>
/// </list>
/// Times come from the ledger's <c>TIME</c>, one clock for every process.
/// </summary>
public sealed class LedgerHandler(LedgerConnection ledger) : IQueueJobHandler
{
    /// <summary>The script: ARGV = jobId, key, seq, who; answers 1 when this run did the side effect.</summary>
    public const string RecordScript = """
        local t = redis.call('TIME')
        local ms = t[1] * 1000 + math.floor(t[2] / 1000)
        local id, key, seq, who = ARGV[1], ARGV[2], tonumber(ARGV[3]), ARGV[4]
        redis.call('RPUSH', 'runs', id .. ' ' .. key .. ' ' .. seq .. ' ' .. who .. ' ' .. ms)
        local first = redis.call('SET', 'effect:' .. id, who, 'NX')
        if first then redis.call('INCR', 'effects') end
        local last = tonumber(redis.call('HGET', 'lastseq', key) or '0')
        if seq < last then
          redis.call('RPUSH', 'violations', 'regress ' .. key .. ' ' .. seq .. ' after ' .. last .. ' ' .. id)
        elseif seq > last + 1 then
          redis.call('RPUSH', 'violations', 'gap ' .. key .. ' ' .. seq .. ' after ' .. last .. ' ' .. id)
        end
        if seq > last then redis.call('HSET', 'lastseq', key, seq) end
        if first then return 1 else return 0 end
        """;

    /// <inheritdoc />
    public async Task<string?> HandleAsync(QueueJobContext context, CancellationToken cancellationToken)
    {
        using var payload = JsonDocument.Parse(context.Payload);
        var database = ledger.Database;
        if (payload.RootElement.ValueKind == JsonValueKind.Object && payload.RootElement.TryGetProperty("seq", out var seq))
        {
            await database.ScriptEvaluateAsync(RecordScript, values:
            [
                context.JobId, context.Key ?? payload.RootElement.GetProperty("key").GetString(), seq.GetInt64(), ledger.Who,
            ]);
        }
        else if (await database.StringSetAsync($"tick:{context.JobId}", ledger.Who, when: When.NotExists))
        {
            await database.ListRightPushAsync("ticks", $"{context.JobId} {context.Job.EnqueuedAtUtc.ToUnixTimeMilliseconds()}");
        }

        if (ledger.Work > TimeSpan.Zero)
        {
            await Task.Delay(ledger.Work, cancellationToken);
        }

        return null;
    }
}

/// <summary>The ledger Redis and who this process is, shared by every run of the handler.</summary>
/// <param name="Multiplexer">The connection to the ledger Redis.</param>
/// <param name="Who">This runner in the ledger: <c>silo:{pid}</c> or <c>worker:{pid}</c>.</param>
/// <param name="Work">How long each job takes after it is recorded.</param>
public sealed record LedgerConnection(IConnectionMultiplexer Multiplexer, string Who, TimeSpan Work)
{
    /// <summary>Gets the ledger database.</summary>
    public IDatabase Database => Multiplexer.GetDatabase();
}
