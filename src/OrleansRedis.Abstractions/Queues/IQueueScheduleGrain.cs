namespace OrleansRedis.Abstractions.Queues;

/// <summary>
/// The recurring schedules of the queue named by the grain key, kept in Redis. Each tick enqueues one job with the
/// idempotency key <c>schedule:{name}:{tick}</c>, so two activations or a restart never enqueue a tick twice; ticks
/// missed in an outage are enqueued afterwards, each one within the queue's <c>ScheduleCatchUp</c> window (5 minutes by
/// default), of older ones only the latest.
/// </summary>
[Alias("orleansredis.queue.schedules")]
public interface IQueueScheduleGrain : IGrainWithStringKey
{
    /// <summary>Creates or replaces a schedule.</summary>
    /// <returns>The schedule with its next tick.</returns>
    /// <exception cref="QueueException"><see cref="QueueErrorCode.Invalid"/> for a bad name, cron, time zone, interval or payload.</exception>
    [Alias("put")]
    Task<RecurringSchedule> PutAsync(RecurringSchedule schedule);

    /// <summary>Deletes a schedule; <see langword="false"/> when there was none.</summary>
    [Alias("remove")]
    Task<bool> RemoveAsync(string name);

    /// <summary>Lists the schedules with their next and last ticks.</summary>
    [Alias("list")]
    Task<IReadOnlyList<RecurringSchedule>> ListAsync();

    /// <summary>Keeps the grain active so its timer runs; called by each silo's keeper.</summary>
    [Alias("ping")]
    Task PingAsync();
}
