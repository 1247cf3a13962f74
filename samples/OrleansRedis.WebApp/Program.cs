using System.Net;
using System.Security.Claims;
using Medallion.Threading;
using Microsoft.AspNetCore.Antiforgery;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.Cookies;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.AspNetCore.DataProtection.KeyManagement;
using Microsoft.AspNetCore.DataProtection.StackExchangeRedis;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.RateLimiting;
using Microsoft.Extensions.Caching.Hybrid;
using Microsoft.Extensions.Options;
using Orleans.Configuration;
using OrleansRedis.Abstractions.RateLimiting;
using OrleansRedis.AspNetCore.Health;
using OrleansRedis.AspNetCore.Sessions;
using OrleansRedis.AspNetCore.Tickets;
using OrleansRedis.Client.Caching;
using OrleansRedis.Client.Locks;
using OrleansRedis.WebApp;
using StackExchange.Redis;

var builder = WebApplication.CreateBuilder(args);

// One Redis, named "redis" (ConnectionStrings:redis), registered as Aspire's Redis client registers it: a keyed
// multiplexer. Orleans' clustering and grain storage take it by that key (Orleans:Clustering:ServiceKey in
// appsettings.json, or what the AppHost injects), and the OrleansRedis capabilities take the one Orleans' clustering names.
builder.AddKeyedRedisClient(SampleApp.Redis);
builder.UseOrleans(silo => silo
    .AddOrleansRedisRateLimiting()   // OrleansRedis:RateLimits:Policies:reports, 5 per 10 s
    .AddOrleansRedisSessions()       // the grains behind the ticket store and HttpContext.Session
    .AddOrleansRedisLocks());
builder.Services.Configure<EndpointOptions>(builder.Configuration.GetSection("Orleans:Endpoints"));
builder.Services.PostConfigure<EndpointOptions>(o => o.AdvertisedIPAddress = SampleApp.AdvertisedAddress(builder.Configuration));

// Cookies hold only a session id: the ticket lives in an OrleansRedis session, so signing out everywhere ends the
// cookies of every browser of the user, on every instance.
builder.Services.AddAuthentication(CookieAuthenticationDefaults.AuthenticationScheme)
    .AddCookie(o =>
    {
        o.LoginPath = "/login";
        o.ExpireTimeSpan = TimeSpan.FromHours(1);
        o.SlidingExpiration = true;
    });
builder.Services.AddOrleansRedisTicketStore(configuration: builder.Configuration);
builder.Services.AddAuthorization();

// HttpContext.Session (the cart) in OrleansRedis sessions; DistributedLock.Core locks; HybridCache with one factory
// run per key across every instance.
builder.Services.AddSession(o => o.Cookie.IsEssential = true);
builder.Services.AddOrleansRedisSessionStore(builder.Configuration);
builder.Services.AddOrleansRedisDistributedLockProvider(builder.Configuration);
builder.Services.AddOrleansRedisHybridCache(builder.Configuration, o => o.Redis ??= builder.Configuration.GetConnectionString(SampleApp.Redis));
builder.Services.AddSingleton<ProductCatalog>();

// The rate-limiting middleware over the cluster-wide policy: 5 report-quota requests per 10 s per user.
builder.Services.AddRateLimiter(o => o.AddOrleansRedisPolicy(SampleApp.ReportsPolicy, SampleApp.UserId));

// Every instance protects cookies and antiforgery tokens with the same keys, kept in the same Redis.
builder.Services.AddDataProtection().SetApplicationName("orleansredis-webapp");
builder.Services.AddOptions<KeyManagementOptions>().Configure<IServiceProvider>((o, services) =>
    o.XmlRepository = new RedisXmlRepository(
        () => services.GetRequiredKeyedService<IConnectionMultiplexer>(SampleApp.Redis).GetDatabase(), "orleansredis-webapp:data-protection-keys"));
builder.Services.AddAntiforgery();
builder.Services.AddHealthChecks().AddOrleansRedis();

SampleApp.Configure(builder.Configuration);
var app = builder.Build();
app.UseAuthentication();
app.UseAuthorization();
app.UseAntiforgery();
app.UseSession();
app.UseRateLimiter();
app.MapOrleansRedisHealth();

app.MapGet("/login", (HttpContext http, IAntiforgery antiforgery, string? signedOut) => Html.Page(http, "Log in", $"""
    {(signedOut is null ? "" : $"<p id=\"signed-out\">Signed out of {Html.Encode(signedOut)} session(s).</p>")}
    <form id="login" method="post" action="/login">
      {Html.Antiforgery(http, antiforgery)}
      <label>Name <input name="name" autofocus required maxlength="{SampleApp.MaxNameLength}"></label>
      <button>Log in</button>
    </form>
    <p>No password: this sample only shows where the ticket goes.</p>
    """));

app.MapPost("/login", async (HttpContext http, [FromForm] string? name) =>
{
    if (SampleApp.NameError(name) is { } error)
    {
        return Html.Page(http, "Log in", $"<p id=\"error\">{Html.Encode(error)}</p><p><a href=\"/login\">Try again</a></p>", StatusCodes.Status400BadRequest);
    }

    var identity = new ClaimsIdentity([new Claim(ClaimTypes.NameIdentifier, name!), new Claim(ClaimTypes.Name, name!)], CookieAuthenticationDefaults.AuthenticationScheme);
    await http.SignInAsync(new ClaimsPrincipal(identity));
    return Results.Redirect("/");
});

app.MapGet("/", (HttpContext http, IAntiforgery antiforgery) => Html.Page(http, "Home", $"""
    <p>Signed in as <strong id="user">{Html.Encode(http.User.Identity!.Name!)}</strong> on <span id="instance">{Html.Encode(SampleApp.Instance)}</span>.</p>
    <ul>
      <li><a href="/quota">Report quota</a>: rate-limited, {SampleApp.ReportsLimitText} per user across every instance</li>
      <li><a href="/cart">Cart</a>: kept in HttpContext.Session</li>
      <li><a href="/report">Run the report</a>: one at a time, under a distributed lock</li>
      <li><a href="/products/42">Product 42</a>: a lookup cached through HybridCache</li>
    </ul>
    <form id="signout-everywhere" method="post" action="/signout-everywhere">
      {Html.Antiforgery(http, antiforgery)}
      <button>Sign out everywhere</button>
    </form>
    <form method="post" action="/logout">{Html.Antiforgery(http, antiforgery)}<button>Sign out of this browser</button></form>
    """)).RequireAuthorization();

app.MapPost("/signout-everywhere", async (HttpContext http, OrleansRedisTicketStore tickets) =>
{
    var ended = await tickets.SignOutEverywhereAsync(SampleApp.UserId(http));
    await http.SignOutAsync();
    return Results.Redirect($"/login?signedOut={ended}");
}).RequireAuthorization().WithMetadata(Html.RequiresToken);

app.MapPost("/logout", async (HttpContext http) =>
{
    await http.SignOutAsync();
    return Results.Redirect("/login");
}).RequireAuthorization().WithMetadata(Html.RequiresToken);

// Past the limit the middleware answers 429 with Retry-After and RateLimit-* (problem+json); below it, this page.
app.MapGet("/quota", async (HttpContext http, IGrainFactory grains) =>
{
    var decision = await grains.GetRateLimitGrain(SampleApp.ReportsPolicy, SampleApp.UserId(http)).PeekAsync();
    return Html.Page(http, "Report quota", $"""
        <p id="allowed">Allowed. <span id="remaining">{decision.Remaining}</span> of {decision.Limit} left in this window (any instance counts).</p>
        <p><a href="/quota">Again</a></p>
        """);
}).RequireAuthorization().RequireRateLimiting(SampleApp.ReportsPolicy);

app.MapGet("/cart", async (HttpContext http, IAntiforgery antiforgery) =>
{
    await http.Session.LoadAsync(http.RequestAborted);   // one asynchronous read; the session's own would block
    return CartPage(http, antiforgery);
}).RequireAuthorization();
app.MapPost("/cart", async (HttpContext http, IAntiforgery antiforgery, [FromForm] string? item) =>
{
    if (SampleApp.ItemError(item) is { } error)
    {
        return Html.Page(http, "Cart", $"<p id=\"error\">{Html.Encode(error)}</p><p><a href=\"/cart\">Back</a></p>", StatusCodes.Status400BadRequest);
    }

    await http.Session.LoadAsync(http.RequestAborted);
    var cart = Cart.Read(http.Session);
    cart.Add(item!);
    Cart.Write(http.Session, cart);
    return CartPage(http, antiforgery);
}).RequireAuthorization();

app.MapGet("/report", (HttpContext http, IAntiforgery antiforgery) => Html.Page(http, "Report", $"""
    <form id="run-report" method="post" action="/report">{Html.Antiforgery(http, antiforgery)}<button>Run the report</button></form>
    """)).RequireAuthorization();
app.MapPost("/report", async (HttpContext http, IDistributedLockProvider locks) =>
{
    // One report at a time across every instance; the fencing token orders the runs for whatever they write to.
    await using var handle = await locks.CreateLock("sample-report").TryAcquireAsync(TimeSpan.FromSeconds(5), http.RequestAborted);
    if (handle is null)
    {
        return Html.Page(http, "Report", "<p id=\"busy\">Another instance is running the report; try again.</p>", StatusCodes.Status409Conflict);
    }

    var fencingToken = ((OrleansRedisDistributedLockHandle)handle).FencingToken;
    await http.Session.LoadAsync(http.RequestAborted);
    return Html.Page(http, "Report", $"""
        <p id="report">Report run under the lock with fencing token <strong id="fencing-token">{fencingToken}</strong>
        by {Html.Encode(http.User.Identity!.Name!)} on {Html.Encode(SampleApp.Instance)} at {DateTimeOffset.UtcNow:O}:
        {Cart.Read(http.Session).Count} item(s) in the cart.</p>
        <p><a href="/report">Run it again</a></p>
        """);
}).RequireAuthorization().WithMetadata(Html.RequiresToken);

app.MapGet("/products/{sku}", async (HttpContext http, IAntiforgery antiforgery, string sku, ProductCatalog catalog) =>
{
    if (SampleApp.SkuError(sku) is { } error)
    {
        return Html.Page(http, "Product", $"<p id=\"error\">{Html.Encode(error)}</p>", StatusCodes.Status400BadRequest);
    }

    var product = await catalog.GetAsync(sku, http.RequestAborted);
    return Html.Page(http, "Product", $"""
        <p id="product">{Html.Encode(product.Name)}: {SampleApp.Format(product.Price)} (loaded by {Html.Encode(product.LoadedBy)} at {product.LoadedAtUtc:O})</p>
        <p>The catalogue lookup ran <strong id="factory-runs">{catalog.FactoryRuns}</strong> time(s) on this instance.</p>
        <form method="post" action="/products/forget">{Html.Antiforgery(http, antiforgery)}<button>Forget every product</button></form>
        """);
}).RequireAuthorization();
app.MapPost("/products/forget", async (HybridCache cache) =>
{
    await cache.RemoveByTagAsync(ProductCatalog.Tag);
    return Results.Redirect("/products/42");
}).RequireAuthorization().WithMetadata(Html.RequiresToken);

app.Run();

static IResult CartPage(HttpContext http, IAntiforgery antiforgery)
{
    var items = Cart.Read(http.Session);
    var list = items.Count == 0 ? "<p id=\"empty\">The cart is empty.</p>" : $"<ul id=\"items\">{string.Concat(items.Select(i => $"<li>{Html.Encode(i)}</li>"))}</ul>";
    return Html.Page(http, "Cart", $"""
        {list}
        <form id="add" method="post" action="/cart">
          {Html.Antiforgery(http, antiforgery)}
          <label>Item <input name="item" required maxlength="{SampleApp.MaxItemLength}"></label>
          <button>Add</button>
        </form>
        """);
}
