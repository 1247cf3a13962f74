using System.Globalization;
using OrleansRedis.Bench.Harness;

namespace OrleansRedis.Bench.Scenarios;

/// <summary>
/// Authenticated requests in an app server with cookie authentication, three ways: the ticket in OrleansRedis sessions
/// (<c>OrleansRedisTicketStore</c>: the co-host's local session grain answers from memory), in
/// <c>IDistributedCache</c> over Redis (Microsoft.Extensions.Caching.StackExchangeRedis 11.0.0, through the usual
/// ~30-line ticket store the co-host carries, since ASP.NET Core ships none), and in the cookie itself (no store).
/// <see cref="Users"/> users sign in first; each request then sends one user's cookie to an endpoint that
/// authenticates it. The notes give the cookie's size, the part that travels on every request.
/// </summary>
public sealed class AspNetCoreTicketScenario : IBenchmarkScenario
{
    private const int Users = 1_000;

    private static readonly (string Scheme, string Variant)[] Schemes =
    [
        ("orleansredis", "cookie + OrleansRedisTicketStore (session grain)"),
        ("distributedcache", "cookie + ITicketStore over IDistributedCache (Redis)"),
        ("cookie", "cookie only (ticket in the cookie, no store)"),
    ];

    /// <inheritdoc />
    public string Name => "aspnetcore-tickets";

    /// <inheritdoc />
    public Task<IReadOnlyList<BenchResult>> RunAsync(BenchEnvironment environment, BenchSettings settings) =>
        CoHostProcess.RunAsync(environment, async http =>
        {
            var run = Guid.NewGuid().ToString("N")[..8];
            var results = new List<BenchResult>();
            foreach (var (scheme, variant) in Schemes)
            {
                var cookies = new string[Users];
                await Parallel.ForAsync(0, Users, new ParallelOptions { MaxDegreeOfParallelism = 16 }, async (i, _) =>
                    cookies[i] = await SignInAsync(http, scheme, $"{run}-{i}"));
                var bytes = cookies.Select(c => (double)System.Text.Encoding.ASCII.GetByteCount(c)).ToArray();

                results.Add(await LoadRunner.RunAsync(Name, variant, settings.Workers, settings.Duration, async (worker, sequence) =>
                {
                    using var request = new HttpRequestMessage(HttpMethod.Get, $"/tickets/{scheme}/me");
                    request.Headers.Add("Cookie", cookies[(int)(((worker * 7919L) + (sequence * 104729L)) % Users)]);
                    using var response = await http.SendAsync(request);
                    response.EnsureSuccessStatusCode();
                }, string.Create(CultureInfo.InvariantCulture, $"{Users:N0} signed-in users; cookie {bytes.Average():0} bytes")));
            }

            var store = results[0].OpsPerSecond;
            return [.. results.Select((r, i) => i == 0 ? r : r with
            {
                Notes = string.Create(CultureInfo.InvariantCulture, $"{r.Notes}; OrleansRedis/this = {(r.OpsPerSecond > 0 ? store / r.OpsPerSecond : 0):0.00}"),
            })];
        });

    // The Cookie header a browser would send back: every name=value the sign-in set (a large ticket is split in chunks).
    private static async Task<string> SignInAsync(HttpClient http, string scheme, string user)
    {
        using var response = await http.PostAsync($"/tickets/{scheme}/signin/{user}", null);
        response.EnsureSuccessStatusCode();
        return string.Join("; ", response.Headers.GetValues("Set-Cookie").Select(c => c[..c.IndexOf(';', StringComparison.Ordinal)]));
    }
}
