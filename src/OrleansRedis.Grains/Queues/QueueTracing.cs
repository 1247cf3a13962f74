using System.Diagnostics;
using OrleansRedis.Abstractions.Diagnostics;
using OrleansRedis.Abstractions.Queues;

namespace OrleansRedis.Grains.Queues;

/// <summary>
/// The spans of <see cref="OrleansRedisActivitySources.Queues"/>: the queue (a configured name), the partition and the
/// job ids the queue generated; never payloads, job keys, results or error texts.
/// </summary>
internal static class QueueTracing
{
    public const string QueueTag = "orleansredis.queue.name";
    public const string PartitionTag = "orleansredis.queue.partition";
    public const string JobIdTag = "orleansredis.queue.job.id";
    public const string AttemptTag = "orleansredis.queue.job.attempt";
    public const string JobsTag = "orleansredis.queue.jobs";
    public const string StateTag = "orleansredis.queue.job.state";
    public const string CompletionsTag = "orleansredis.queue.completions";

    /// <summary>Starts a decision span; null without a listener.</summary>
    public static Activity? Start(string operation, string queue, int partition, string? jobId = null)
    {
        var activity = OrleansRedisActivitySources.Queues.StartActivity(operation);
        if (activity is { IsAllDataRequested: true })
        {
            activity.SetTag(QueueTag, queue);
            activity.SetTag(PartitionTag, partition);
            if (jobId is not null)
            {
                activity.SetTag(JobIdTag, jobId);
            }
        }

        return activity;
    }

    public static void Enqueued(Activity activity, IReadOnlyList<EnqueueResult> results)
    {
        activity.SetTag(JobsTag, results.Count);
        if (results.Count == 1)
        {
            activity.SetTag(JobIdTag, results[0].JobId);
        }
    }

    public static void Leased(Activity activity, IReadOnlyList<LeasedJob> jobs)
    {
        activity.SetTag(JobsTag, jobs.Count);
        if (jobs.Count == 1 && activity.GetTagItem(JobIdTag) is null)
        {
            // One job (the usual lease): its id and attempt. A batch has many, and a complete-and-lease keeps the id of
            // the job it completed; the count says enough.
            activity.SetTag(JobIdTag, jobs[0].Id);
            activity.SetTag(AttemptTag, jobs[0].Attempt);
        }
    }

    /// <summary>A batch of completions: how many there were and how many jobs were leased after them.</summary>
    public static void CompletedMany(Activity activity, JobCompletions answer)
    {
        activity.SetTag(CompletionsTag, answer.Statuses.Count);
        activity.SetTag(JobsTag, answer.Leased.Count);
    }

    public static void Failed(Activity activity, JobFailResult result) => activity.SetTag(StateTag, result.State.ToString().ToLowerInvariant());
}
