using System.Net;
using System.Security.Claims;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.Cookies;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using OrleansRedis.Abstractions.Sessions;
using OrleansRedis.AspNetCore.Sessions;
using OrleansRedis.AspNetCore.Tickets;
using OrleansRedis.Testing;

namespace OrleansRedis.Tests.Adapters;

/// <summary>
/// Cookie authentication with <see cref="OrleansRedisTicketStore"/> in a real app on a real cluster: the cookie carries
/// the session id only, the ticket's lifetime slides the session, sign-out-everywhere ends other browsers' cookies,
/// and the absolute timeout ends a ticket whose cookie still claims to be valid.
/// </summary>
[Collection(AdapterClusterCollection.Name)]
public sealed class TicketStoreTests(AdapterClusterFixture fixture)
{
    private static readonly TimeSpan Long = TimeSpan.FromSeconds(30);
    private static readonly TimeSpan CookieLifetime = TimeSpan.FromHours(1);

    [Fact]
    public async Task SignIn_TicketWithLargeClaim_CookieCarriesOnlyTheSessionIdAndAuthenticates()
    {
        await using var app = await StartAsync();
        var cookies = new CookieContainer();
        var browser = app.Browser(cookies);
        var user = $"ada-{Guid.NewGuid():N}";

        // A 4,000-character claim: a cookie holding the ticket itself would be longer than that.
        (await browser.PostAsync($"/signin?user={user}&extra=4000", null)).EnsureSuccessStatusCode();
        var cookieLength = cookies.GetCookies(app.Address).Sum(c => c.Name.Length + c.Value.Length);
        Assert.InRange(cookieLength, 1, 1000);

        var me = await browser.GetAsync("/me");
        Assert.Equal(HttpStatusCode.OK, me.StatusCode);
        Assert.Equal($"{user}:4000", await me.Content.ReadAsStringAsync());

        // The session slides by the cookie's lifetime, and belongs to the NameIdentifier user. The idle expiry is read
        // as Redis TIME plus the key's PTTL, each whole milliseconds, so it can be 1 ms past the exact instant.
        var session = Assert.Single(await fixture.Grains.GetUserSessions(user).ListAsync());
        Assert.InRange(session.IdleExpiresAtUtc - session.CreatedAtUtc, CookieLifetime - TimeSpan.FromSeconds(30), CookieLifetime + TimeSpan.FromMilliseconds(1));
    }

    [Fact]
    public async Task SignOutEverywhere_FromOneBrowser_AnotherBrowsersCookieIsNoLongerAuthenticated()
    {
        await using var app = await StartAsync();
        var first = app.Browser();
        var second = app.Browser();
        var user = $"bob-{Guid.NewGuid():N}";
        (await first.PostAsync($"/signin?user={user}", null)).EnsureSuccessStatusCode();
        (await second.PostAsync($"/signin?user={user}", null)).EnsureSuccessStatusCode();
        Assert.Equal(HttpStatusCode.OK, (await second.GetAsync("/me")).StatusCode);

        var revoked = await first.PostAsync("/signout-everywhere", null);
        Assert.Equal("2", await revoked.Content.ReadAsStringAsync());

        // The other browser still sends its cookie; the ticket behind it is gone on every server.
        Assert.Equal(HttpStatusCode.Unauthorized, (await second.GetAsync("/me")).StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, (await first.GetAsync("/me")).StatusCode);
    }

    [Fact]
    public async Task AbsoluteTimeout_CookieStillValid_TicketEndsAtTheAbsoluteDeadline()
    {
        var absolute = TimeSpan.FromSeconds(5);
        await using var app = await StartAsync(o => o.TicketAbsoluteTimeout = absolute);
        var browser = app.Browser();
        var user = $"eve-{Guid.NewGuid():N}";
        (await browser.PostAsync($"/signin?user={user}", null)).EnsureSuccessStatusCode();

        // Redis holds the deadline exactly: created + 5 s, though the cookie (and the idle timeout) says 1 hour.
        var session = Assert.Single(await fixture.Grains.GetUserSessions(user).ListAsync());
        Assert.Equal(absolute, session.AbsoluteExpiresAtUtc - session.CreatedAtUtc);

        // Without the absolute timeout the ticket would live an hour, and this would time out.
        await Eventually.TrueAsync(
            async () => (await browser.GetAsync("/me")).StatusCode == HttpStatusCode.Unauthorized, Long, "the ticket ended at its absolute deadline");
    }

    [Fact]
    public async Task StoreAsync_TicketLargerThanTheSessionLimit_RefusedWithAMessageNamingTheLimit()
    {
        await using var app = await StartAsync();
        var store = app.Services.GetRequiredService<OrleansRedisTicketStore>();
        var ticket = Ticket($"zed-{Guid.NewGuid():N}", extra: 70_000);

        var refused = await Assert.ThrowsAsync<SessionException>(() => store.StoreAsync(ticket));

        Assert.Equal(SessionError.DataTooLarge, refused.Error);
        Assert.Contains("too large for the session store", refused.Message, StringComparison.Ordinal);
        Assert.Contains("OrleansRedis:Sessions:MaxDataBytes", refused.Message, StringComparison.Ordinal);
    }

    private static AuthenticationTicket Ticket(string user, int extra)
    {
        var identity = new ClaimsIdentity(
            [new Claim(ClaimTypes.NameIdentifier, user), new Claim("extra", new string('x', extra))], CookieAuthenticationDefaults.AuthenticationScheme);
        return new AuthenticationTicket(new ClaimsPrincipal(identity), CookieAuthenticationDefaults.AuthenticationScheme);
    }

    private Task<AdapterApp> StartAsync(Action<AspNetCoreSessionOptions>? configure = null) => AdapterApp.StartAsync(
        fixture,
        services =>
        {
            services.AddAuthentication(CookieAuthenticationDefaults.AuthenticationScheme)
                .AddCookie(o =>
                {
                    o.ExpireTimeSpan = CookieLifetime;
                    o.SlidingExpiration = true;
                });
            services.AddOrleansRedisTicketStore(configure: configure);
        },
        app =>
        {
            app.UseAuthentication();
            app.MapPost("/signin", async (HttpContext context, string user, int? extra) =>
            {
                var ticket = Ticket(user, extra ?? 0);
                await context.SignInAsync(ticket.Principal);
                return Results.NoContent();
            });
            app.MapGet("/me", (HttpContext context) => context.User.Identity?.IsAuthenticated == true
                ? Results.Text($"{context.User.FindFirstValue(ClaimTypes.NameIdentifier)}:{context.User.FindFirstValue("extra")?.Length}")
                : Results.Unauthorized());
            app.MapPost("/signout-everywhere", async (HttpContext context, OrleansRedisTicketStore store) =>
                context.User.FindFirstValue(ClaimTypes.NameIdentifier) is { } user
                    ? Results.Text((await store.SignOutEverywhereAsync(user)).ToString(System.Globalization.CultureInfo.InvariantCulture))
                    : Results.Unauthorized());
        });
}
