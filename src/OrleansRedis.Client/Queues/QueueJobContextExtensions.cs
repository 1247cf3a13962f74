using System.Text.Json;
using OrleansRedis.Abstractions.Queues;

namespace OrleansRedis.Client.Queues;

/// <summary>Typed access to a job's JSON payload.</summary>
public static class QueueJobContextExtensions
{
    /// <summary>Reads the payload as <typeparamref name="TPayload"/> (<see cref="QueueClient.JsonOptions"/>: camelCase).</summary>
    /// <exception cref="JsonException">The payload does not fit <typeparamref name="TPayload"/>; failing the job with it sends it to retry, then dead.</exception>
    public static TPayload? PayloadAs<TPayload>(this QueueJobContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        return JsonSerializer.Deserialize<TPayload>(context.Payload, QueueClient.JsonOptions);
    }
}
