using System.Security.Claims;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.Cookies;
using Microsoft.AspNetCore.RateLimiting;
using Microsoft.Extensions.Caching.Distributed;
using Microsoft.Extensions.Caching.StackExchangeRedis;
using OrleansRedis.AspNetCore.Sessions;
using OrleansRedis.Redis;
using RedisRateLimiting;

/// <summary>
/// The ASP.NET Core adapters beside their usual alternatives, on the same Redis connection:
/// <list type="bullet">
/// <item><c>POST /middleware/{limiter}/{key}</c>: an empty endpoint behind the rate-limiting middleware, with the
/// policy <c>orleansredis</c> (<c>AddOrleansRedisPolicy</c> over the silos' <c>bench</c> policy, a sliding log) or
/// <c>redisratelimiting</c> (RedisRateLimiting.AspNetCore's sliding window, a sorted set per key as well), both
/// <see cref="Limit"/> per <see cref="Window"/>.</item>
/// <item><c>POST /tickets/{scheme}/signin/{user}</c> and <c>GET /tickets/{scheme}/me</c>: cookie authentication whose
/// ticket lives in OrleansRedis sessions (<c>orleansredis</c>), in <see cref="IDistributedCache"/> over Redis
/// (<c>distributedcache</c>) or in the cookie itself (<c>cookie</c>).</item>
/// </list>
/// </summary>
internal static class AdapterEndpoints
{
    /// <summary>The limit per window of both limiters: the silos' <c>bench</c> policy.</summary>
    public const int Limit = 100;

    /// <summary>The window of both limiters.</summary>
    public static readonly TimeSpan Window = TimeSpan.FromSeconds(1);

    private static readonly string[] Schemes = ["orleansredis", "distributedcache", "cookie"];

    public static void AddAdapters(this IServiceCollection services)
    {
        services.AddRateLimiter(options =>
        {
            options.RejectionStatusCode = StatusCodes.Status429TooManyRequests;
            options.AddOrleansRedisPolicy("orleansredis", Key, orleansRedisPolicy: "bench");
            options.AddPolicy("redisratelimiting", context => RedisRateLimitPartition.GetSlidingWindowRateLimiter(Key(context), _ =>
                new RedisSlidingWindowRateLimiterOptions
                {
                    ConnectionMultiplexerFactory = () => context.RequestServices.GetRequiredService<RedisConnections>().State,
                    PermitLimit = Limit,
                    Window = Window,
                }));
        });

        var authentication = services.AddAuthentication();
        foreach (var scheme in Schemes)
        {
            // Shorter than the session store's absolute timeout; no ticket is renewed within a run.
            authentication.AddCookie(scheme, cookie => cookie.ExpireTimeSpan = TimeSpan.FromMinutes(30));
        }

        services.AddOrleansRedisTicketStore("orleansredis");
        services.AddStackExchangeRedisCache(_ => { });
        services.AddOptions<RedisCacheOptions>().Configure<RedisConnections>((cache, redis) =>
            cache.ConnectionMultiplexerFactory = () => Task.FromResult(redis.State));
        services.AddOptions<CookieAuthenticationOptions>("distributedcache").Configure<IDistributedCache>((cookie, cache) =>
            cookie.SessionStore = new DistributedCacheTicketStore(cache));
    }

    public static void MapAdapters(this WebApplication app)
    {
        app.UseRateLimiter();
        foreach (var limiter in new[] { "orleansredis", "redisratelimiting" })
        {
            app.MapPost($"/middleware/{limiter}/{{key}}", () => Results.Ok()).RequireRateLimiting(limiter);
        }

        app.MapPost("/tickets/{scheme}/signin/{user}", async (string scheme, string user, HttpContext http) =>
        {
            await http.SignInAsync(scheme, Principal(scheme, user));
            return Results.Ok();
        });
        app.MapGet("/tickets/{scheme}/me", async (string scheme, HttpContext http) =>
            (await http.AuthenticateAsync(scheme)).Principal?.FindFirstValue(ClaimTypes.NameIdentifier) is { } user
                ? Results.Text(user)
                : Results.Unauthorized());
    }

    private static string Key(HttpContext context) => (string)context.Request.RouteValues["key"]!;

    // A modest ticket, as a sign-in with a few profile claims and roles gives (a few hundred bytes serialized).
    private static ClaimsPrincipal Principal(string scheme, string user) => new(new ClaimsIdentity(
    [
        new Claim(ClaimTypes.NameIdentifier, user),
        new Claim(ClaimTypes.Name, $"Bench User {user}"),
        new Claim(ClaimTypes.Email, $"{user}@example.com"),
        .. Enumerable.Range(1, 8).Select(i => new Claim(ClaimTypes.Role, $"role-{i}")),
    ], scheme));
}
