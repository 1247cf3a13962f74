namespace OrleansRedis.Abstractions.Realtime;

/// <summary>Input limits of topics and rooms that do not depend on configuration.</summary>
public static class RealtimeLimits
{
    /// <summary>The longest topic name.</summary>
    public const int MaxTopicLength = 200;

    /// <summary>The longest event type.</summary>
    public const int MaxTypeLength = 64;

    /// <summary>The longest room or member name.</summary>
    public const int MaxRoomLength = 128;

    /// <summary>The event type of an event published without one (what <c>EventSource.onmessage</c> receives).</summary>
    public const string DefaultType = "message";

    /// <summary>The event type a stream sends first when the asked-for history was trimmed.</summary>
    public const string ResetType = "reset";

    /// <summary>The topic a room's join and leave events are published on: <c>room:{room}</c>.</summary>
    public static string RoomTopic(string room) => $"room:{room}";

    /// <summary>The per-user topic the capabilities notify: <c>user:{userId}</c>.</summary>
    public static string UserTopic(string userId) => $"user:{userId}";

    /// <summary>
    /// Returns whether <paramref name="topic"/> is a usable topic name: 1-200 characters of ASCII letters, digits and
    /// <c>. _ - : @</c> (so <c>user:42</c>, <c>room:lobby</c>, <c>job:emails:17</c>); no braces, which would break the
    /// Redis key's hash tag.
    /// </summary>
    public static bool IsValidTopic(string? topic) => IsName(topic, MaxTopicLength, allowAt: true);

    /// <summary>Returns whether <paramref name="type"/> is a usable event type: 1-64 characters of letters, digits and <c>. _ - :</c>.</summary>
    public static bool IsValidType(string? type) => IsName(type, MaxTypeLength, allowAt: false);

    /// <summary>Returns whether <paramref name="name"/> is a usable room or member name (the topic alphabet, 1-128 characters).</summary>
    public static bool IsValidRoomName(string? name) => IsName(name, MaxRoomLength, allowAt: true);

    private static bool IsName(string? value, int maxLength, bool allowAt)
    {
        if (value is not { Length: > 0 } || value.Length > maxLength)
        {
            return false;
        }

        foreach (var c in value)
        {
            var ok = c is (>= 'a' and <= 'z') or (>= 'A' and <= 'Z') or (>= '0' and <= '9') or '.' or '_' or '-' or ':' || (allowAt && c == '@');
            if (!ok)
            {
                return false;
            }
        }

        return true;
    }
}
