using OrleansRedis.Redis;
using OrleansRedis.Testing;
using StackExchange.Redis;

namespace OrleansRedis.Tests.Foundation;

/// <summary>The one reader of named-field script replies, against a real Redis under both protocols.</summary>
public sealed class ScriptReplyTests
{
    private static readonly ReplyField Status = new("status");
    private static readonly ReplyField Holder = new("holder");
    private static readonly ReplyField Now = new("now");
    private static readonly ReplyField Counts = new("counts");
    private static readonly ReplyField Missing = new("missing");

    [Theory]
    [InlineData(RedisProtocol.Resp2)]
    [InlineData(RedisProtocol.Resp3)]
    public async Task Read_RealLuaReply_FindsFieldsByNameWhateverTheirOrderAndReadsFalseAsAbsent(RedisProtocol protocol)
    {
        await using var redis = await RedisServer.StartAsync();
        var options = ConfigurationOptions.Parse(redis.ConnectionString);
        options.Protocol = protocol;
        await using var connection = await ConnectionMultiplexer.ConnectAsync(options);

        var result = await connection.GetDatabase().ScriptEvaluateAsync("""
            local t = redis.call('TIME')
            return {'now', tonumber(t[1]), 'holder', redis.call('GET', KEYS[1]), 'counts', {3, 1, 4}, 'status', 'found'}
            """, ["absent-key"]);
        var reply = ScriptReply.Read(result, "test");

        Assert.Equal("found", reply.String(Status));
        Assert.InRange(reply.Int64(Now), DateTimeOffset.UtcNow.AddMinutes(-5).ToUnixTimeSeconds(), DateTimeOffset.UtcNow.AddMinutes(5).ToUnixTimeSeconds());
        Assert.False(reply.Has(Holder));
        Assert.Null(reply.OptionalString(Holder));
        Assert.Equal(42, reply.Int64(Holder, fallback: 42));
        Assert.Equal([3L, 1L, 4L], reply.Array(Counts).Select(c => (long)c));
        Assert.False(reply.Has(Missing));
    }

    [Fact]
    public void Int64_FieldMissing_ThrowsNamingTheFieldAndTheScript()
    {
        var reply = ScriptReply.Read(RedisResult.Create([(RedisValue)"status", (RedisValue)"found"]), "session slide");

        var error = Assert.Throws<RedisException>(() => reply.Int64(Now));

        Assert.Contains("'now'", error.Message);
        Assert.Contains("session slide", error.Message);
    }

    [Fact]
    public void String_FieldIsFalse_ThrowsAbsent()
    {
        var reply = ScriptReply.Read(RedisResult.Create([RedisResult.Create((RedisValue)"holder"), RedisResult.Create(RedisValue.Null)]), "lock state");

        var error = Assert.Throws<RedisException>(() => reply.String(Holder));

        Assert.Contains("absent", error.Message);
    }

    [Fact]
    public void Read_OddNumberOfItems_Throws()
    {
        var result = RedisResult.Create([(RedisValue)"status", (RedisValue)"found", (RedisValue)"now"]);

        var error = Assert.Throws<RedisException>(() => ScriptReply.Read(result, "test"));

        Assert.Contains("pairs", error.Message);
    }

    [Fact]
    public void Read_NotAnArray_Throws()
    {
        Assert.Throws<RedisException>(() => ScriptReply.Read(RedisResult.Create((RedisValue)1), "test"));
    }

    [Fact]
    public void Matches_FieldNameIsAPrefixOfAnother_DoesNotConfuseThem()
    {
        var reply = ScriptReply.Read(
            RedisResult.Create([(RedisValue)"nowhere", (RedisValue)1, (RedisValue)"now", (RedisValue)2]), "test");

        Assert.Equal(2, reply.Int64(Now));
    }
}
