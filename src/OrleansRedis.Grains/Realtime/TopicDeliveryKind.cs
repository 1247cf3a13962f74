namespace OrleansRedis.Grains.Realtime;

/// <summary>The kinds of item a subscriber's stream carries.</summary>
public enum TopicDeliveryKind
{
    /// <summary>An event of the topic.</summary>
    Event = 0,

    /// <summary>Events after the subscriber's last id were trimmed: what follows starts at the oldest kept event.</summary>
    Reset = 1,

    /// <summary>The subscriber fell more than its buffer behind; its stream ends here and it resumes by replay.</summary>
    Cut = 2,
}
