namespace OrleansRedis.Abstractions.Realtime;

/// <summary>Why a real-time operation was refused.</summary>
public enum RealtimeErrorCode
{
    /// <summary>No specific reason.</summary>
    Unknown = 0,

    /// <summary>The topic name is not 1-200 characters of letters, digits and <c>. _ - : @</c>.</summary>
    InvalidTopic = 1,

    /// <summary>The event type is not 1-64 characters of letters, digits and <c>. _ - :</c>.</summary>
    InvalidType = 2,

    /// <summary>The payload is not JSON text, or is larger than <c>Realtime:MaxPayloadBytes</c>.</summary>
    InvalidPayload = 3,

    /// <summary>The event id is not a stream entry id (<c>{ms}-{seq}</c>).</summary>
    InvalidEventId = 4,

    /// <summary>The room name is invalid.</summary>
    InvalidRoom = 5,

    /// <summary>The member name is invalid.</summary>
    InvalidMember = 6,

    /// <summary>The presence TTL is outside 1 s to <c>Realtime:MaxPresenceTtl</c>.</summary>
    InvalidTtl = 7,
}
