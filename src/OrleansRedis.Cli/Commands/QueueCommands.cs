using System.CommandLine;
using System.Text.Json;

namespace OrleansRedis.Cli.Commands;

/// <summary><c>queues enqueue|get|cancel|stats|pause|resume|dead|retry|purge QUEUE</c> and <c>queues schedules list|put|delete QUEUE</c>.</summary>
public static class QueueCommands
{
    public static Command Build()
    {
        var queue = new Argument<string>("queue") { Description = "The queue name (declared in OrleansRedis:Queues:Definitions)." };
        var id = new Argument<string>("id") { Description = "The job id enqueue printed." };
        var payload = new Option<string>("--payload") { Description = "The job's payload: any JSON value, e.g. '{\"to\":\"ada@example.com\"}'.", Required = true };
        var key = new Option<string?>("--key") { Description = "Order key: jobs of one key run one at a time, in order." };
        var priority = new Option<string?>("--priority") { Description = "high, normal (the default) or low." };
        var delay = new Option<long?>("--delay-ms") { Description = "Run no earlier than this many milliseconds from now." };
        var idempotencyKey = new Option<string?>("--idempotency-key") { Description = "A second enqueue with this key answers the first job's id." };
        var maxAttempts = new Option<int?>("--max-attempts") { Description = "Attempts before the job is dead (the queue's default when omitted)." };
        var limit = new Option<int>("--limit") { Description = "How many dead jobs to list.", DefaultValueFactory = _ => 20 };
        var runAt = new Option<string?>("--run-at") { Description = "Run no earlier than this ISO 8601 time, e.g. 2026-12-24T09:00:00Z, at most 365 days ahead (not with --delay-ms)." };
        var backoff = new Option<long?>("--backoff-ms") { Description = "First retry delay in milliseconds, doubled per attempt up to the queue's BackoffMax." };
        var userId = new Option<string?>("--user-id") { Description = "The user the job is for: its events are published on the topic user:{id} too." };
        var olderThan = new Option<string?>("--older-than") { Description = "Delete only jobs dead before this ISO 8601 time, e.g. 2030-01-01T00:00:00Z." };

        var enqueue = new Command("enqueue", "Enqueue a job; prints its id. Exit 3 when the queue is full (429).")
        {
            queue, payload, key, priority, delay, runAt, idempotencyKey, maxAttempts, backoff, userId,
        };
        enqueue.SetAction(async (parse, ct) =>
        {
            if (ParseJson(parse.GetValue(payload)!) is not { } json)
            {
                await Console.Error.WriteLineAsync("--payload must be a JSON value, e.g. '{\"n\":1}', '\"text\"' or '42'.");
                return CliExitCodes.BadInput;
            }

            return await GlobalOptions.CallAsync(parse, HttpMethod.Post, $"{Path(parse, queue)}/jobs", new
            {
                payload = json,
                key = parse.GetValue(key),
                priority = parse.GetValue(priority),
                delayMs = parse.GetValue(delay),
                runAtUtc = parse.GetValue(runAt),
                idempotencyKey = parse.GetValue(idempotencyKey),
                maxAttempts = parse.GetValue(maxAttempts),
                backoffMs = parse.GetValue(backoff),
                userId = parse.GetValue(userId),
            }, ct);
        });

        var get = new Command("get", "Show a job: state, attempts, last error, result. Exit 4 when there is no such job.") { queue, id };
        get.SetAction((parse, ct) => GlobalOptions.CallAsync(parse, HttpMethod.Get, JobPath(parse, queue, id), null, ct));

        var cancel = new Command("cancel", "Cancel a job that has not finished (an active job's lease is revoked).") { queue, id };
        cancel.SetAction((parse, ct) => GlobalOptions.CallAsync(parse, HttpMethod.Delete, JobPath(parse, queue, id), null, ct));

        var stats = new Command("stats", "Depth by state, oldest waiting age and counters.") { queue };
        stats.SetAction((parse, ct) => GlobalOptions.CallAsync(parse, HttpMethod.Get, Path(parse, queue), null, ct));

        var pause = new Command("pause", "Stop delivery; enqueues are still accepted (admin).") { queue };
        pause.SetAction((parse, ct) => GlobalOptions.CallAsync(parse, HttpMethod.Post, $"{Path(parse, queue)}/pause", null, ct));

        var resume = new Command("resume", "Restart delivery (admin).") { queue };
        resume.SetAction((parse, ct) => GlobalOptions.CallAsync(parse, HttpMethod.Post, $"{Path(parse, queue)}/resume", null, ct));

        var dead = new Command("dead", "List dead jobs with their last error, most recent first.") { queue, limit };
        dead.SetAction((parse, ct) => GlobalOptions.CallAsync(parse, HttpMethod.Get, $"{Path(parse, queue)}/dead?limit={parse.GetValue(limit)}", null, ct));

        var retry = new Command("retry", "Move a dead job back to its queue with its attempts reset (admin). Exit 4 when it is not dead.") { queue, id };
        retry.SetAction((parse, ct) => GlobalOptions.CallAsync(parse, HttpMethod.Post,
            $"{Path(parse, queue)}/dead/{GlobalOptions.Segment(parse.GetValue(id)!)}/retry", null, ct));

        var purge = new Command("purge", "Delete every dead job, or those dead before --older-than (admin).") { queue, olderThan };
        purge.SetAction((parse, ct) => GlobalOptions.CallAsync(parse, HttpMethod.Delete,
            $"{Path(parse, queue)}/dead" + (parse.GetValue(olderThan) is { } before ? $"?olderThanUtc={Uri.EscapeDataString(before)}" : string.Empty), null, ct));

        return new Command("queues", "Durable job queues.") { enqueue, get, cancel, stats, pause, resume, dead, retry, purge, Schedules(queue, payload, key, priority) };
    }

    // queues schedules list|put|delete QUEUE [NAME]: the recurring schedules of a queue.
    private static Command Schedules(Argument<string> queue, Option<string> payload, Option<string?> key, Option<string?> priority)
    {
        var name = new Argument<string>("name") { Description = "The schedule's name (letters, digits, '.', '_' or '-')." };
        var cron = new Option<string?>("--cron") { Description = "A cron expression (five fields, or six with seconds first), e.g. '0 3 * * *'." };
        var timeZone = new Option<string?>("--time-zone") { Description = "The cron's time zone (IANA), e.g. Europe/Paris; UTC when omitted." };
        var interval = new Option<long?>("--interval-ms") { Description = "Tick every this many milliseconds (aligned to the Unix epoch) instead of a cron." };

        var list = new Command("list", "List the queue's schedules with their next and last ticks.") { queue };
        list.SetAction((parse, ct) => GlobalOptions.CallAsync(parse, HttpMethod.Get, $"{Path(parse, queue)}/schedules", null, ct));

        var put = new Command("put", "Create or replace a schedule; each tick enqueues one job, once across the cluster (admin).")
        {
            queue, name, cron, timeZone, interval, payload, key, priority,
        };
        put.SetAction(async (parse, ct) =>
        {
            if (ParseJson(parse.GetValue(payload)!) is not { } json)
            {
                await Console.Error.WriteLineAsync("--payload must be a JSON value, e.g. '{\"n\":1}', '\"text\"' or '42'.");
                return CliExitCodes.BadInput;
            }

            return await GlobalOptions.CallAsync(parse, HttpMethod.Put, SchedulePath(parse, queue, name), new
            {
                cron = parse.GetValue(cron),
                timeZone = parse.GetValue(timeZone),
                intervalMs = parse.GetValue(interval),
                payload = json,
                key = parse.GetValue(key),
                priority = parse.GetValue(priority),
            }, ct);
        });

        var delete = new Command("delete", "Delete a schedule (admin). Exit 4 when there is none.") { queue, name };
        delete.SetAction((parse, ct) => GlobalOptions.CallAsync(parse, HttpMethod.Delete, SchedulePath(parse, queue, name), null, ct));

        return new Command("schedules", "Recurring schedules that enqueue jobs.") { list, put, delete };
    }

    private static string SchedulePath(ParseResult parse, Argument<string> queue, Argument<string> name) =>
        $"{Path(parse, queue)}/schedules/{GlobalOptions.Segment(parse.GetValue(name)!)}";

    private static string Path(ParseResult parse, Argument<string> queue) => $"/queues/{GlobalOptions.Segment(parse.GetValue(queue)!)}";

    private static string JobPath(ParseResult parse, Argument<string> queue, Argument<string> id) =>
        $"{Path(parse, queue)}/jobs/{GlobalOptions.Segment(parse.GetValue(id)!)}";

    private static JsonElement? ParseJson(string text)
    {
        try
        {
            using var document = JsonDocument.Parse(text);
            return document.RootElement.Clone();
        }
        catch (JsonException)
        {
            return null;
        }
    }
}
