using OrleansRedis.Abstractions.Realtime;

namespace OrleansRedis.Redis.Realtime;

/// <summary>What one read of a topic's stream found.</summary>
/// <param name="Events">The events, oldest first.</param>
/// <param name="Reset">Whether events after the asked-for id were trimmed (the page starts at the oldest kept one).</param>
/// <param name="Last">The newest id the stream ever generated.</param>
/// <param name="FirstPrevious">The id the first event names as its predecessor, when it names one.</param>
public sealed record TopicRead(IReadOnlyList<TopicEvent> Events, bool Reset, TopicEventId Last, TopicEventId? FirstPrevious);
