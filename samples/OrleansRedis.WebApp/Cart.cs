using System.Text.Json;

namespace OrleansRedis.WebApp;

/// <summary>The cart: a list of item names in <c>HttpContext.Session</c> under one key.</summary>
internal static class Cart
{
    private const string Key = "cart";

    public static List<string> Read(ISession session) =>
        session.GetString(Key) is { } json ? JsonSerializer.Deserialize<List<string>>(json) ?? [] : [];

    public static void Write(ISession session, List<string> items) => session.SetString(Key, JsonSerializer.Serialize(items));
}
