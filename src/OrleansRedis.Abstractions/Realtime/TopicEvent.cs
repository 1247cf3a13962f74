namespace OrleansRedis.Abstractions.Realtime;

/// <summary>One event of a topic.</summary>
/// <param name="Id">The event id (the stream entry id, e.g. <c>1733050000000-0</c>); ids grow in publish order.</param>
/// <param name="Type">The event type (SSE <c>event:</c>), <c>message</c> unless the publisher named one.</param>
/// <param name="Data">The payload as the publisher sent it: a JSON text.</param>
[GenerateSerializer, Immutable, Alias("orleansredis.realtime.event")]
public sealed record TopicEvent([property: Id(0)] string Id, [property: Id(1)] string Type, [property: Id(2)] string Data);
