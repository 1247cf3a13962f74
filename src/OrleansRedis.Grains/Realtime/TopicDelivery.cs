using OrleansRedis.Abstractions.Realtime;

namespace OrleansRedis.Grains.Realtime;

/// <summary>One item of a subscriber's stream.</summary>
/// <param name="Kind">What it is.</param>
/// <param name="Event">The event, for <see cref="TopicDeliveryKind.Event"/>.</param>
public readonly record struct TopicDelivery(TopicDeliveryKind Kind, TopicEvent? Event);
