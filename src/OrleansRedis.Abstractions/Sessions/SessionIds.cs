using System.Buffers.Text;
using System.Security.Cryptography;
using System.Text;

namespace OrleansRedis.Abstractions.Sessions;

/// <summary>
/// Session ids and the hashes that stand in for them. An id is 256 bits from the operating system's CSPRNG, written as
/// unpadded base64url (43 characters); only its SHA-256, written as lowercase hex (64 characters), ever keys a grain or
/// a Redis key. The two formats differ on purpose: a raw id can never be mistaken for a hash and used as a key.
/// </summary>
public static class SessionIds
{
    /// <summary>The length of a session id: 32 random bytes as unpadded base64url.</summary>
    public const int IdLength = 43;

    /// <summary>The length of an id hash: SHA-256 as lowercase hex.</summary>
    public const int HashLength = 64;

    /// <summary>The length of the handle a session listing shows instead of any id.</summary>
    public const int HandleLength = 12;

    /// <summary>The longest key <see cref="HashExternalKey"/> accepts.</summary>
    public const int MaxExternalKeyLength = 256;

    private const int IdBytes = 32;

    // An id of ours is 43 base64url characters and has no ':', so no external key's input can equal one.
    private const string ExternalKeyPrefix = "external:";

    /// <summary>Generates a new session id: 256 bits from <see cref="RandomNumberGenerator"/>, base64url.</summary>
    public static string New()
    {
        Span<byte> random = stackalloc byte[IdBytes];
        RandomNumberGenerator.Fill(random);
        return Base64Url.EncodeToString(random);
    }

    /// <summary>
    /// Gets whether <paramref name="sessionId"/> has the shape of an id this library issues: 43 base64url characters
    /// that decode to 32 bytes. Says nothing about whether the session exists.
    /// </summary>
    public static bool IsWellFormed(string? sessionId)
    {
        if (sessionId is not { Length: IdLength } || !sessionId.All(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '_'))
        {
            return false;
        }

        Span<byte> decoded = stackalloc byte[IdBytes + 2];
        try
        {
            return Base64Url.TryDecodeFromChars(sessionId, decoded, out var written) && written == IdBytes
                // The last character carries 2 padding bits; a canonical encoding leaves them zero, so one id has one spelling.
                && Base64Url.EncodeToString(decoded[..IdBytes]) == sessionId;
        }
        catch (FormatException)
        {
            // Despite its name, TryDecodeFromChars throws on some malformed input (e.g. non-zero padding bits).
            return false;
        }
    }

    /// <summary>Returns the SHA-256 of <paramref name="sessionId"/> as lowercase hex: the session's grain and Redis key.</summary>
    /// <exception cref="ArgumentException">The id is not well formed (see <see cref="IsWellFormed"/>).</exception>
    public static string Hash(string sessionId)
    {
        if (!IsWellFormed(sessionId))
        {
            throw new ArgumentException($"A session id is {IdLength} base64url characters.", nameof(sessionId));
        }

        Span<byte> digest = stackalloc byte[SHA256.HashSizeInBytes];
        SHA256.HashData(Encoding.ASCII.GetBytes(sessionId), digest);
        return Convert.ToHexStringLower(digest);
    }

    /// <summary>
    /// Returns the id hash of a session whose id another component issues, such as the 36-character key of ASP.NET
    /// Core's session middleware: the SHA-256 of a prefix and the key, as lowercase hex. The prefix keeps these hashes
    /// apart from those of <see cref="Hash"/>, so an external key can never reach a session issued here.
    /// </summary>
    /// <exception cref="ArgumentException">The key is empty, longer than <see cref="MaxExternalKeyLength"/> or has control characters.</exception>
    public static string HashExternalKey(string key)
    {
        if (key is not { Length: > 0 and <= MaxExternalKeyLength } || key.Any(char.IsControl))
        {
            throw new ArgumentException($"An external session key is 1-{MaxExternalKeyLength} characters without control characters.", nameof(key));
        }

        Span<byte> digest = stackalloc byte[SHA256.HashSizeInBytes];
        SHA256.HashData(Encoding.UTF8.GetBytes(ExternalKeyPrefix + key), digest);
        return Convert.ToHexStringLower(digest);
    }

    /// <summary>Gets whether <paramref name="idHash"/> has the shape of an id hash: 64 lowercase hex characters.</summary>
    public static bool IsHash(string? idHash) =>
        idHash is { Length: HashLength } && idHash.All(c => char.IsAsciiDigit(c) || c is >= 'a' and <= 'f');

    /// <summary>
    /// Returns the short handle a listing shows for a session: a prefix of its id hash, enough to tell sessions apart
    /// and useless for finding or forging the id.
    /// </summary>
    public static string Handle(string idHash) => idHash[..HandleLength];
}
