using System.Diagnostics.CodeAnalysis;
using System.Globalization;

namespace OrleansRedis.Abstractions.Realtime;

/// <summary>
/// The id of a topic event: the Redis Stream entry id <c>{milliseconds}-{sequence}</c> its topic's stream gave it, so
/// ids order the events of one topic exactly as they were appended.
/// </summary>
/// <param name="Milliseconds">The Redis time (Unix milliseconds) the entry was appended at.</param>
/// <param name="Sequence">The entry's number within that millisecond.</param>
[GenerateSerializer, Immutable, Alias("orleansredis.realtime.event-id")]
public readonly record struct TopicEventId([property: Id(0)] ulong Milliseconds, [property: Id(1)] ulong Sequence) : IComparable<TopicEventId>
{
    /// <summary>The id before every event (<c>0-0</c>): "from the beginning".</summary>
    public static readonly TopicEventId Zero = new(0, 0);

    /// <summary>The longest text an id can have (two 20-digit numbers and a dash).</summary>
    public const int MaxLength = 41;

    /// <summary>Parses <c>{ms}-{seq}</c> (or a bare <c>{ms}</c>, meaning sequence 0).</summary>
    public static bool TryParse([NotNullWhen(true)] string? text, out TopicEventId id)
    {
        id = Zero;
        if (text is not { Length: > 0 and <= MaxLength })
        {
            return false;
        }

        var dash = text.IndexOf('-', StringComparison.Ordinal);
        var msText = dash < 0 ? text.AsSpan() : text.AsSpan(0, dash);
        var seqText = dash < 0 ? "0".AsSpan() : text.AsSpan(dash + 1);
        if (!IsDigits(msText) || !IsDigits(seqText)
            || !ulong.TryParse(msText, NumberStyles.None, CultureInfo.InvariantCulture, out var ms)
            || !ulong.TryParse(seqText, NumberStyles.None, CultureInfo.InvariantCulture, out var seq))
        {
            return false;
        }

        id = new TopicEventId(ms, seq);
        return true;
    }

    /// <summary>Parses an id that Redis wrote.</summary>
    /// <exception cref="FormatException">The text is not an entry id.</exception>
    public static TopicEventId Parse(string text) =>
        TryParse(text, out var id) ? id : throw new FormatException($"'{text}' is not a stream entry id.");

    /// <inheritdoc />
    public int CompareTo(TopicEventId other)
    {
        var byTime = Milliseconds.CompareTo(other.Milliseconds);
        return byTime != 0 ? byTime : Sequence.CompareTo(other.Sequence);
    }

    /// <summary>Whether <paramref name="left"/> is earlier than <paramref name="right"/>.</summary>
    public static bool operator <(TopicEventId left, TopicEventId right) => left.CompareTo(right) < 0;

    /// <summary>Whether <paramref name="left"/> is later than <paramref name="right"/>.</summary>
    public static bool operator >(TopicEventId left, TopicEventId right) => left.CompareTo(right) > 0;

    /// <summary>Whether <paramref name="left"/> is not later than <paramref name="right"/>.</summary>
    public static bool operator <=(TopicEventId left, TopicEventId right) => left.CompareTo(right) <= 0;

    /// <summary>Whether <paramref name="left"/> is not earlier than <paramref name="right"/>.</summary>
    public static bool operator >=(TopicEventId left, TopicEventId right) => left.CompareTo(right) >= 0;

    /// <inheritdoc />
    public override string ToString() => string.Create(CultureInfo.InvariantCulture, $"{Milliseconds}-{Sequence}");

    private static bool IsDigits(ReadOnlySpan<char> text)
    {
        if (text.IsEmpty || text.Length > 20)
        {
            return false;
        }

        foreach (var c in text)
        {
            if (c is < '0' or > '9')
            {
                return false;
            }
        }

        return true;
    }
}
