using StackExchange.Redis;

namespace OrleansRedis.Redis;

public sealed partial class RedisKeys
{
    /// <summary>The key kind of topics.</summary>
    public const string TopicKind = "topic";

    /// <summary>The key kind of presence rooms.</summary>
    public const string RoomKind = "room";

    /// <summary>The stream of topic <paramref name="topic"/>: one entry per event (fields <c>t</c> type, <c>d</c> data).</summary>
    public RedisKey Topic(string topic) => Build(TopicKind, topic);

    /// <summary>
    /// The pub/sub channel the publish script announces each event of <paramref name="topic"/> on, for the relays of
    /// the silos that have subscribers. It carries the id of the event before, so a relay notices a missed message.
    /// </summary>
    public RedisChannel TopicChannel(string topic) => RedisChannel.Literal($"{Prefix}:{TopicKind}:{{{topic}}}:live");

    /// <summary>The members of room <paramref name="room"/>: a sorted set of member scored by expiry (Redis ms).</summary>
    public RedisKey RoomMembers(string room) => Build(RoomKind, room, "members");

    /// <summary>What the members of room <paramref name="room"/> attached to their heartbeats: a hash member → JSON text.</summary>
    public RedisKey RoomData(string room) => Build(RoomKind, room, "data");
}
