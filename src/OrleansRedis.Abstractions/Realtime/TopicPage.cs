namespace OrleansRedis.Abstractions.Realtime;

/// <summary>A page of a topic's history.</summary>
/// <param name="Events">The events after the asked-for id, oldest first.</param>
/// <param name="Reset">
/// Whether events after the asked-for id were trimmed away (or the history was lost): the page then starts at the
/// oldest event the topic keeps, and a client must refetch whatever state it derived from the events.
/// </param>
/// <param name="LastId">The id of the newest event the topic has (<c>0-0</c> when none), to tell whether more pages follow.</param>
[GenerateSerializer, Immutable, Alias("orleansredis.realtime.page")]
public sealed record TopicPage(
    [property: Id(0)] IReadOnlyList<TopicEvent> Events,
    [property: Id(1)] bool Reset,
    [property: Id(2)] string LastId);
