namespace OrleansRedis.Abstractions.Queues;

/// <summary>A job in the dead-letter list.</summary>
/// <param name="Id">The job's id.</param>
/// <param name="Key">Its order key, when it has one.</param>
/// <param name="Payload">Its JSON payload.</param>
/// <param name="Attempts">Attempts it made.</param>
/// <param name="Error">The error of its last attempt.</param>
/// <param name="DeadAtUtc">When it died.</param>
[GenerateSerializer, Immutable, Alias("orleansredis.queue.dead-job")]
public sealed record DeadJob(string Id, string? Key, string Payload, int Attempts, string? Error, DateTimeOffset DeadAtUtc);
