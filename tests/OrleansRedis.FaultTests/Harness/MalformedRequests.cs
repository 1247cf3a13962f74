using System.Text;

namespace OrleansRedis.FaultTests.Harness;

/// <summary>Generates malformed HTTP requests of many kinds, reproducibly from a seeded <see cref="Random"/>.</summary>
public sealed record MalformedRequests(HttpMethod Method, string Path, byte[]? Body, string? ContentType, string Kind)
{
    private static readonly string[] PathTricks =
    [
        "/probe/..%2f..%2fetc%2fpasswd", "/probe/%00", "/probe/%2e%2e/%2e%2e", "/probe/a%0d%0aSet-Cookie:x=1",
        "//probe//x", "/probe/a/b/c", "/probe/" + new string('k', 129), "/probe/" + new string('z', 5000),
        "/probe/%ZZ", "/admin/redis/memory/../../probe/x", "/admin/redis/bigkeys?top=-1", "/probe/%F0%9F%92%A5%C0%AF",
        "/%2e%2e/%2e%2e/etc/passwd", "/probe/\u0001", "/health/ready/../../admin/redis/memory",
    ];

    private static readonly string[] WrongTypes =
    [
        "{\"value\": 12}", "{\"value\": [1,2,3]}", "{\"value\": {\"nested\": true}}", "{\"value\": true}", "{\"value\": null}",
        "[]", "42", "\"just a string\"", "{}", "{\"value\": \"x\"", "{\"value\": \"" + new string('v', 5000) + "\"}", "null",
    ];

    /// <summary>Creates request number <paramref name="index"/>.</summary>
    public static MalformedRequests Create(Random random, int index)
    {
        var key = $"storm-{(char)('a' + random.Next(3))}";
        return (index % 8) switch
        {
            0 => new(HttpMethod.Put, $"/probe/{key}", RandomBytes(random, random.Next(1, 2048)), "application/json", "random-bytes"),
            1 => new(HttpMethod.Put, $"/probe/{key}", Encoding.UTF8.GetBytes(WrongTypes[random.Next(WrongTypes.Length)]), "application/json", "wrong-type"),
            2 => new(HttpMethod.Get, PathTricks[random.Next(PathTricks.Length)], null, null, "path-trick"),
            3 => new(HttpMethod.Put, $"/probe/{key}", HugeJson(random), "application/json", "huge-body"),
            4 => new(random.Next(2) == 0 ? HttpMethod.Delete : HttpMethod.Patch, $"/probe/{key}", null, null, "wrong-method"),
            5 => new(HttpMethod.Put, $"/probe/{key}", Encoding.UTF8.GetBytes("value=kept-not"), random.Next(2) == 0 ? "text/plain" : "application/x-www-form-urlencoded", "wrong-media-type"),
            6 => new(HttpMethod.Put, "/admin/redis/maxmemory", Encoding.UTF8.GetBytes("{\"role\":\"state\",\"policy\":\"allkeys-lru\",\"force\":true}"), "application/json", "admin-without-key"),
            _ => new(HttpMethod.Put, PathTricks[random.Next(PathTricks.Length)], Encoding.UTF8.GetBytes("{\"value\":\"x\"}"), "application/json", "write-path-trick"),
        };
    }

    /// <summary>Builds the HTTP message.</summary>
    public HttpRequestMessage ToMessage(Uri baseAddress)
    {
        // Concatenated, not resolved: "//probe//x" resolved against a base would become the host "probe".
        var message = new HttpRequestMessage(Method, baseAddress.GetLeftPart(UriPartial.Authority) + Path);
        if (Body is not null)
        {
            message.Content = new ByteArrayContent(Body);

            // As well-behaved clients do for large uploads: the server can refuse (413) before the body is sent,
            // instead of resetting a connection that is still streaming it.
            message.Headers.ExpectContinue = Body.Length > 64 * 1024;
            if (ContentType is not null)
            {
                message.Content.Headers.TryAddWithoutValidation("Content-Type", ContentType);
            }
        }

        return message;
    }

    /// <inheritdoc />
    public override string ToString() => $"{Kind} {Method} {(Path.Length > 80 ? Path[..80] + "..." : Path)} ({Body?.Length ?? 0} bytes)";

    private static byte[] RandomBytes(Random random, int length)
    {
        var bytes = new byte[length];
        random.NextBytes(bytes);
        return bytes;
    }

    private static byte[] HugeJson(Random random) =>
        Encoding.UTF8.GetBytes("{\"value\":\"" + new string('x', (1024 * 1024) + random.Next(1, 512 * 1024)) + "\"}");
}
