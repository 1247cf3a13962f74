using StackExchange.Redis;

namespace OrleansRedis.Redis;

/// <summary>
/// The one shape every Lua script of this project answers in when it answers more than one value: a flat array of
/// alternating field names and values, <c>{'status', 'found', 'now', 1733050000000, ...}</c>, like <c>HGETALL</c>.
/// A value is an integer, a string, <c>false</c> (absent: nil under RESP2, a boolean under RESP3) or an array (one
/// entry per request of a batch). Scripts never put a Lua <c>nil</c> in a reply table (it would end the table there);
/// they write <c>false</c> or leave the field out. Each family of scripts parses its replies through this reader into
/// one typed record, so fields can be added or reordered without breaking a parser.
/// </summary>
/// <remarks>
/// A field is found by a linear scan comparing UTF-8 bytes: replies are a handful of fields, and the scan allocates
/// nothing (no dictionary per call on the rate-limit hot path).
/// </remarks>
public readonly struct ScriptReply
{
    private readonly RedisResult[] _items;
    private readonly string _script;

    private ScriptReply(RedisResult[] items, string script)
    {
        _items = items;
        _script = script;
    }

    /// <summary>Reads <paramref name="result"/>, the reply of the script named <paramref name="script"/>.</summary>
    /// <exception cref="RedisException">The reply is not an even-length array of names and values.</exception>
    public static ScriptReply Read(RedisResult result, string script)
    {
        ArgumentNullException.ThrowIfNull(result);
        if (result.IsNull || result.Resp2Type != ResultType.Array)
        {
            throw new RedisException($"The {script} script answered {result.Resp2Type}, not an array of named fields.");
        }

        var items = (RedisResult[])result!;
        if (items.Length % 2 != 0)
        {
            throw new RedisException($"The {script} script answered {items.Length} items, not pairs of names and values.");
        }

        return new ScriptReply(items, script);
    }

    /// <summary>Whether the reply carries <paramref name="field"/> with a value other than <c>false</c>/nil.</summary>
    public bool Has(ReplyField field) => Find(field) is { } value && !IsAbsent(value);

    /// <summary>Gets <paramref name="field"/> as an integer (an integer reply or a numeric string).</summary>
    /// <exception cref="RedisException">The field is missing or absent.</exception>
    public long Int64(ReplyField field) => (long)Required(field);

    /// <summary>Gets <paramref name="field"/> as an integer, or <paramref name="fallback"/> when missing or absent.</summary>
    public long Int64(ReplyField field, long fallback) =>
        Find(field) is { } value && !IsAbsent(value) ? (long)value : fallback;

    /// <summary>Gets <paramref name="field"/> as an integer that must be 0 or 1.</summary>
    public bool Flag(ReplyField field) => Int64(field) == 1;

    /// <summary>Gets <paramref name="field"/> as a string.</summary>
    /// <exception cref="RedisException">The field is missing or absent.</exception>
    public string String(ReplyField field) => (string)Required(field)!;

    /// <summary>Gets <paramref name="field"/> as a string, or <see langword="null"/> when missing or absent.</summary>
    public string? OptionalString(ReplyField field) =>
        Find(field) is { } value && !IsAbsent(value) ? (string?)value : null;

    /// <summary>Gets <paramref name="field"/>'s raw value, for a parser that reads a packed value itself.</summary>
    /// <exception cref="RedisException">The field is missing.</exception>
    public RedisResult Raw(ReplyField field) =>
        Find(field) ?? throw new RedisException($"The {_script} script's reply has no '{field.Name}' field.");

    /// <summary>Gets <paramref name="field"/> as an array (per-request values of a batch).</summary>
    /// <exception cref="RedisException">The field is missing or not an array.</exception>
    public RedisResult[] Array(ReplyField field)
    {
        var value = Required(field);
        return value.Resp2Type == ResultType.Array
            ? (RedisResult[])value!
            : throw new RedisException($"The {_script} script's '{field.Name}' field is {value.Resp2Type}, not an array.");
    }

    /// <summary>Whether <paramref name="value"/> is Lua <c>false</c>: nil under RESP2, a boolean under RESP3.</summary>
    public static bool IsAbsent(RedisResult value) => value.IsNull || value.Resp3Type == ResultType.Boolean;

    private RedisResult Required(ReplyField field)
    {
        var value = Raw(field);
        return IsAbsent(value) ? throw new RedisException($"The {_script} script's '{field.Name}' field is absent.") : value;
    }

    private RedisResult? Find(ReplyField field)
    {
        var items = _items;
        for (var i = 0; i < items.Length; i += 2)
        {
            if (field.Matches(items[i]))
            {
                return items[i + 1];
            }
        }

        return null;
    }
}
