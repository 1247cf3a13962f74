using OrleansRedis.Abstractions.Realtime;

namespace OrleansRedis.Grains.Realtime;

/// <summary>An event with its parsed id, as relays and subscriptions pass it around.</summary>
/// <param name="Id">The parsed id.</param>
/// <param name="Event">The event.</param>
public readonly record struct RelayEvent(TopicEventId Id, TopicEvent Event);
