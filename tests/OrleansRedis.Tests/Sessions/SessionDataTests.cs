using System.Text.Json;
using OrleansRedis.Abstractions.Sessions;
using OrleansRedis.Grains.Sessions;

namespace OrleansRedis.Tests.Sessions;

public sealed class SessionDataTests
{
    [Fact]
    public void Normalize_IndentedObject_StoredCompactWithValuesExact()
    {
        var normalized = SessionData.Normalize("{\n  \"cart\": [1, 2],\n  \"big\": 12345678901234567890123,\n  \"name\": \"Zoë\"\n}", 1024);

        Assert.Equal("{\"cart\":[1,2],\"big\":12345678901234567890123,\"name\":\"Zoë\"}", normalized);
    }

    [Theory]
    [InlineData("[]")]
    [InlineData("\"text\"")]
    [InlineData("42")]
    [InlineData("null")]
    [InlineData("not json")]
    [InlineData("{\"a\":1")]
    [InlineData("{\"a\":1,\"a\":2}")]
    [InlineData("{\"a\":1} {\"b\":2}")]
    public void Normalize_NotAJsonObject_InvalidData(string json)
    {
        var ex = Assert.Throws<SessionException>(() => SessionData.Normalize(json, 1024));

        Assert.Equal(SessionError.InvalidData, ex.Error);
    }

    [Fact]
    public void Normalize_ExactlyAtLimit_AcceptedAndOneByteOver_DataTooLarge()
    {
        const int Limit = 100;
        var fits = $"{{\"v\":\"{new string('x', Limit - 8)}\"}}";
        var over = $"{{\"v\":\"{new string('x', Limit - 7)}\"}}";

        Assert.Equal(Limit, SessionData.Normalize(fits, Limit).Length);
        Assert.Equal(SessionError.DataTooLarge, Assert.Throws<SessionException>(() => SessionData.Normalize(over, Limit)).Error);
    }

    [Fact]
    public void Normalize_HugeInput_RefusedBeforeParsing()
    {
        var ex = Assert.Throws<SessionException>(() => SessionData.Normalize(new string(' ', 10_000) + "{}", 100));

        Assert.Equal(SessionError.DataTooLarge, ex.Error);
    }

    [Fact]
    public void Merge_TopLevelFields_ReplacesAddsRemovesAndKeepsTheRest()
    {
        var merged = SessionData.Merge("{\"keep\":1,\"replace\":{\"deep\":true},\"remove\":\"x\"}", "{\"replace\":{\"other\":2},\"remove\":null,\"add\":[3]}", 1024);

        using var json = JsonDocument.Parse(merged);
        var root = json.RootElement;
        Assert.Equal(1, root.GetProperty("keep").GetInt32());
        Assert.Equal("{\"other\":2}", root.GetProperty("replace").GetRawText());
        Assert.False(root.TryGetProperty("remove", out _));
        Assert.Equal("[3]", root.GetProperty("add").GetRawText());
    }

    [Fact]
    public void Merge_ResultOverLimit_DataTooLarge()
    {
        var ex = Assert.Throws<SessionException>(() => SessionData.Merge("{\"a\":\"0123456789\"}", "{\"b\":\"0123456789\"}", 30));

        Assert.Equal(SessionError.DataTooLarge, ex.Error);
    }

    [Fact]
    public void Merge_PatchNotAnObject_InvalidData()
    {
        var ex = Assert.Throws<SessionException>(() => SessionData.Merge("{}", "[1]", 1024));

        Assert.Equal(SessionError.InvalidData, ex.Error);
    }
}
