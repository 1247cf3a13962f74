using System.Globalization;

namespace OrleansRedis.AspNetCore.Endpoints;

/// <summary>
/// Entity tags that carry a version (<c>ETag: "3"</c>), and the <c>If-Match</c> / <c>If-None-Match</c> conditions
/// built from them (RFC 9110 §13.1): <c>*</c> or a comma-separated list of quoted versions, each optionally weak
/// (<c>W/"3"</c>). <c>If-Match</c> compares strongly (a weak tag never matches), <c>If-None-Match</c> weakly.
/// </summary>
internal sealed class VersionTags
{
    /// <summary>The longest version a tag may carry: <see cref="long.MaxValue"/> has 19 digits.</summary>
    private const int MaxDigits = 19;

    private readonly (long Version, bool Weak)[] _tags;

    private VersionTags(bool any, (long Version, bool Weak)[] tags)
    {
        Any = any;
        _tags = tags;
    }

    /// <summary>Gets whether the condition is <c>*</c>: any current version.</summary>
    public bool Any { get; }

    /// <summary>Gets the version when the condition is exactly one strong tag, otherwise <see langword="null"/>.</summary>
    public long? SingleStrongVersion => _tags is [(var version, false)] ? version : null;

    /// <summary>Formats the strong entity tag of <paramref name="version"/>: <c>"3"</c>.</summary>
    public static string Format(long version) => string.Create(CultureInfo.InvariantCulture, $"\"{version}\"");

    /// <summary>Gets whether a user at <paramref name="version"/> meets <c>If-Match</c> (strong comparison).</summary>
    public bool MatchesStrongly(long version) => Any || _tags.Contains((version, false));

    /// <summary>Gets whether a user at <paramref name="version"/> meets the tags of <c>If-None-Match</c> (weak comparison).</summary>
    public bool MatchesWeakly(long version) => Any || _tags.Any(t => t.Version == version);

    /// <summary>
    /// Reads a conditional header. Returns the rule's message when it is malformed, <see langword="null"/> otherwise;
    /// <paramref name="tags"/> is <see langword="null"/> when the header is absent.
    /// </summary>
    /// <param name="header">The header's name, for the message.</param>
    /// <param name="value">The header as bound: several header lines arrive joined by commas, as one list.</param>
    /// <param name="tags">The condition, or <see langword="null"/> when the header is absent or malformed.</param>
    public static string? Error(string header, string? value, out VersionTags? tags)
    {
        tags = null;
        if (value is null)
        {
            return null;
        }

        var parsed = new List<(long, bool)>();
        var any = false;
        foreach (var part in value.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries))
        {
            if (part == "*")
            {
                any = true;
            }
            else if (TryParseTag(part, out var tag))
            {
                parsed.Add(tag);
            }
            else
            {
                return Malformed(header);
            }
        }

        // "*" stands alone (RFC 9110: If-Match = "*" / #entity-tag), and an empty list is no condition a client meant.
        if (any ? parsed.Count > 0 : parsed.Count == 0)
        {
            return Malformed(header);
        }

        tags = new VersionTags(any, [.. parsed]);
        return null;
    }

    private static string Malformed(string header) =>
        $"{header} must be * or a comma-separated list of quoted versions, e.g. \"3\" or W/\"3\" (a version is a whole number, 1 or more).";

    private static bool TryParseTag(string part, out (long Version, bool Weak) tag)
    {
        tag = default;
        var weak = part.StartsWith("W/", StringComparison.Ordinal);
        var quoted = weak ? part.AsSpan(2) : part.AsSpan();
        if (quoted.Length < 3 || quoted.Length > MaxDigits + 2 || quoted[0] != '"' || quoted[^1] != '"')
        {
            return false;
        }

        if (!long.TryParse(quoted[1..^1], NumberStyles.None, CultureInfo.InvariantCulture, out var version) || version < 1)
        {
            return false;
        }

        tag = (version, weak);
        return true;
    }
}
