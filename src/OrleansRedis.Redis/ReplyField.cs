using System.Text;
using StackExchange.Redis;

namespace OrleansRedis.Redis;

/// <summary>
/// The name of one field in a script reply (see <see cref="ScriptReply"/>). Declare each once, as a
/// <see langword="static"/> <see langword="readonly"/> next to the script that writes it: the name's UTF-8 bytes are
/// kept, so finding a field in a reply compares bytes and allocates nothing.
/// </summary>
public sealed class ReplyField
{
    private readonly byte[] _utf8;

    /// <summary>Creates a field name.</summary>
    /// <param name="name">The name the script writes, e.g. <c>remaining</c>.</param>
    public ReplyField(string name)
    {
        ArgumentException.ThrowIfNullOrEmpty(name);
        Name = name;
        _utf8 = Encoding.UTF8.GetBytes(name);
    }

    /// <summary>Gets the name the script writes.</summary>
    public string Name { get; }

    /// <summary>Whether <paramref name="name"/>, a name slot of a reply, is this field's name.</summary>
    internal bool Matches(RedisResult name)
    {
        var value = (RedisValue)name;
        return value.Length() == _utf8.Length && value.StartsWith(_utf8);
    }

    /// <inheritdoc />
    public override string ToString() => Name;
}
