using System.Buffers.Text;
using OrleansRedis.Abstractions.Sessions;

namespace OrleansRedis.Tests.Sessions;

public sealed class SessionIdsTests
{
    [Fact]
    public void New_OneMillionIds_AllWellFormedAndNoCollision()
    {
        const int Count = 1_000_000;
        // The first 128 bits of each id: distinct prefixes imply distinct ids, at a fraction of the memory of strings.
        var seen = new HashSet<UInt128>(Count);
        Span<byte> bytes = stackalloc byte[32];
        for (var i = 0; i < Count; i++)
        {
            var id = SessionIds.New();
            if (id.Length != SessionIds.IdLength || !Base64Url.TryDecodeFromChars(id, bytes, out var written) || written != 32)
            {
                Assert.Fail($"'{id}' is not 32 bytes of base64url");
            }

            if (!seen.Add(BitConverter.ToUInt128(bytes)))
            {
                Assert.Fail($"id {i} repeats an earlier one");
            }
        }

        Assert.Equal(Count, seen.Count);
    }

    [Fact]
    public void Hash_WellFormedId_IsStableLowercaseHexThatCannotPassForAnId()
    {
        var id = SessionIds.New();

        var hash = SessionIds.Hash(id);

        Assert.Equal(hash, SessionIds.Hash(id));
        Assert.True(SessionIds.IsHash(hash));
        Assert.Equal(SessionIds.HashLength, hash.Length);
        Assert.False(SessionIds.IsWellFormed(hash));
        Assert.False(SessionIds.IsHash(id));
        Assert.NotEqual(hash, SessionIds.Hash(SessionIds.New()));
        Assert.Equal(hash[..SessionIds.HandleLength], SessionIds.Handle(hash));
    }

    [Fact]
    public void Hash_KnownId_IsSha256OfItsAsciiText()
    {
        const string Id = "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA";

        Assert.Equal(
            Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(System.Text.Encoding.ASCII.GetBytes(Id))),
            SessionIds.Hash(Id));
    }

    [Theory]
    [InlineData("")]
    [InlineData("short")]
    [InlineData("AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA")]   // 42 characters
    [InlineData("AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA")] // 44 characters
    [InlineData("AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=")]  // padding
    [InlineData("AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA+")]  // base64, not base64url
    [InlineData("AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA/")]
    [InlineData("AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAB")]  // non-zero padding bits: a second spelling of an id
    [InlineData("AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA ")]
    public void IsWellFormed_Malformed_FalseAndHashThrows(string id)
    {
        Assert.False(SessionIds.IsWellFormed(id));
        Assert.Throws<ArgumentException>(() => SessionIds.Hash(id));
    }

    [Fact]
    public void HashExternalKey_GuidKey_StableHexHashThatNoIssuedIdShares()
    {
        var key = Guid.NewGuid().ToString();
        var hash = SessionIds.HashExternalKey(key);

        Assert.True(SessionIds.IsHash(hash));
        Assert.Equal(hash, SessionIds.HashExternalKey(key));
        Assert.NotEqual(hash, SessionIds.HashExternalKey(key.ToUpperInvariant()));

        // An id of ours hashed as an external key is not its session's hash: the two kinds never meet.
        var id = SessionIds.New();
        Assert.NotEqual(SessionIds.Hash(id), SessionIds.HashExternalKey(id));
    }

    [Theory]
    [InlineData("")]
    [InlineData("a\nb")]
    public void HashExternalKey_EmptyOrControlCharacters_ArgumentException(string key) =>
        Assert.Throws<ArgumentException>(() => SessionIds.HashExternalKey(key));

    [Fact]
    public void HashExternalKey_LongerThanTheLimit_ArgumentException() =>
        Assert.Throws<ArgumentException>(() => SessionIds.HashExternalKey(new string('k', SessionIds.MaxExternalKeyLength + 1)));
}
