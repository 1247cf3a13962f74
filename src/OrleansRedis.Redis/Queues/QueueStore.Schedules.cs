using OrleansRedis.Abstractions.Diagnostics;
using StackExchange.Redis;

namespace OrleansRedis.Redis.Queues;

public sealed partial class QueueStore
{
    // KEYS[1] the ticks hash. ARGV[1] schedule name, ARGV[2] tick (Unix ms). Sets the last tick only forwards, so two
    // activations racing over one tick (or an old one) never move it back. Replies the last tick afterwards.
    private const string AdvanceTickScript = """
        local last = tonumber(redis.call('HGET', KEYS[1], ARGV[1]) or '0')
        local tick = tonumber(ARGV[2])
        if tick > last then
          redis.call('HSET', KEYS[1], ARGV[1], ARGV[2])
          return tick
        end
        return last
        """;

    /// <summary>Reads every schedule of <paramref name="queue"/> (name -> JSON) and its last tick (Unix ms).</summary>
    public async Task<IReadOnlyList<(string Name, string Json, long? LastTickMs)>> ReadSchedulesAsync(string queue)
    {
        var schedules = Database.HashGetAllAsync(keys.QueueSchedules(queue));
        var ticks = Database.HashGetAllAsync(keys.QueueScheduleTicks(queue));
        await Task.WhenAll(schedules, ticks).ConfigureAwait(false);
        var last = ticks.Result.ToDictionary(e => e.Name.ToString(), e => (long)e.Value, StringComparer.Ordinal);
        return [.. schedules.Result.Select(e => (e.Name.ToString(), e.Value.ToString(), last.TryGetValue(e.Name.ToString(), out var t) ? (long?)t : null))];
    }

    /// <summary>Writes a schedule and, when it is new or replaced, its baseline tick (no tick at or before it is enqueued).</summary>
    public async Task WriteScheduleAsync(string queue, string name, string json, long baselineMs)
    {
        var batch = Database.CreateTransaction();
        _ = batch.HashSetAsync(keys.QueueSchedules(queue), name, json);
        _ = batch.HashSetAsync(keys.QueueScheduleTicks(queue), name, baselineMs);
        await batch.ExecuteAsync().ConfigureAwait(false);
    }

    /// <summary>Deletes a schedule; <see langword="false"/> when there was none.</summary>
    public async Task<bool> DeleteScheduleAsync(string queue, string name)
    {
        var batch = Database.CreateTransaction();
        var deleted = batch.HashDeleteAsync(keys.QueueSchedules(queue), name);
        _ = batch.HashDeleteAsync(keys.QueueScheduleTicks(queue), name);
        await batch.ExecuteAsync().ConfigureAwait(false);
        return await deleted.ConfigureAwait(false);
    }

    /// <summary>Moves a schedule's last tick forward to <paramref name="tickMs"/>; answers the last tick afterwards.</summary>
    public async Task<long> AdvanceTickAsync(string queue, string name, long tickMs) =>
        (long)await Database.ScriptEvaluateAsync(OrleansRedisActivitySources.Queues, "queue schedule tick", AdvanceTickScript, [keys.QueueScheduleTicks(queue)], [name, tickMs]).ConfigureAwait(false);
}
