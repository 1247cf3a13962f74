using System.Text.Json;
using System.Text.Json.Serialization;
using OrleansRedis.Abstractions.Realtime;
using OrleansRedis.Grains.Realtime;
using OrleansRedis.Redis.Queues;

namespace OrleansRedis.Grains.Queues;

/// <summary>
/// A queue's job events on the real-time topics <c>job:{id}</c> and <c>user:{userId}</c>: published after the script
/// that changed the job, fire and forget, so a slow or failed publish never holds up or undoes the change (a failure is
/// logged by the publisher and counted in <c>orleansredis.queues.events_failed</c>).
/// </summary>
internal sealed class JobEvents(ITopicPublisher publisher, QueueMetrics metrics, string queue, QueueEventPublishing publishing)
{
    public const string Progress = "job.progress";
    public const string Completed = "job.completed";
    public const string Failed = "job.failed";
    public const string Dead = "job.dead";

    // Without real-time on this silo every publish is a no-op: skip the work.
    private readonly bool _off = publishing == QueueEventPublishing.None || publisher is NullTopicPublisher;

    /// <summary>Gets the topic of a job's events.</summary>
    public static string JobTopic(string jobId) => "job:" + jobId;

    /// <summary>Publishes an event of <paramref name="type"/> for a job, when the queue's setting covers it.</summary>
    public void Publish(string type, string jobId, JobSubject subject, string? json = null, string? error = null, DateTimeOffset? nextAttemptAtUtc = null)
    {
        if (_off || (subject.UserId is null && publishing != QueueEventPublishing.All))
        {
            return;
        }

        var data = new JobEvent(
            queue, jobId, subject.Attempt,
            type == Completed ? Json(json) : null, error,
            type == Progress ? Json(json) : null, nextAttemptAtUtc);
        Send(JobTopic(jobId), type, data);
        if (subject.UserId is { } user)
        {
            Send(RealtimeLimits.UserTopic(user), type, data);
        }
    }

    private void Send(string topic, string type, JobEvent data) =>
        _ = publisher.PublishAsync(topic, type, data).ContinueWith(
            (published, state) =>
            {
                if (published.IsFaulted || published.Result is null)
                {
                    var (m, q, t) = ((QueueMetrics, string, string))state!;
                    m.EventFailed(q, t);
                }
            },
            (metrics, queue, type), CancellationToken.None, TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default);

    private static JsonElement? Json(string? text)
    {
        if (string.IsNullOrEmpty(text))
        {
            return null;
        }

        using var document = JsonDocument.Parse(text);
        return document.RootElement.Clone();
    }

    /// <summary>The data of a job event.</summary>
    internal sealed record JobEvent(
        string Queue,
        string JobId,
        int Attempt,
        [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] JsonElement? Result,
        [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] string? Error,
        [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] JsonElement? Progress,
        [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] DateTimeOffset? NextAttemptAtUtc);
}
