using System.Diagnostics.Metrics;
using System.Net;
using System.Threading.RateLimiting;
using Microsoft.AspNetCore.RateLimiting;
using Microsoft.Extensions.DependencyInjection;
using OrleansRedis.Abstractions.RateLimiting;
using OrleansRedis.AspNetCore.RateLimiting;
using OrleansRedis.Tests.Foundation;

namespace OrleansRedis.Tests.WebApps;

/// <summary>
/// ASP.NET Core's rate-limiting middleware over the rate-limit grains (<c>AddOrleansRedisPolicy</c>): one limit across
/// two app instances, the rejection (429, <c>Retry-After</c>, <c>RateLimit-*</c>), lease metadata, and the framework's
/// own <c>aspnetcore.rate_limiting.*</c> metrics. The policy <c>api</c> admits <see cref="EmbeddedApp.Limit"/> per
/// 10 minutes, so no window can slide during a test.
/// </summary>
[Collection(EmbeddedAppCollection.Name)]
public sealed class RateLimiterMiddlewareTests(EmbeddedAppFixture fixture)
{
    [Fact]
    public async Task Limit_RequestsAlternatingBetweenTwoInstances_AdmitsTheLimitOnceInTotal()
    {
        var caller = $"user-{Guid.NewGuid():N}";
        var statuses = new List<HttpStatusCode>();

        // A limiter per instance would admit 2 x the limit; one across the cluster admits the limit, in order.
        for (var i = 0; i < 2 * EmbeddedApp.Limit; i++)
        {
            using var response = await EmbeddedAppTests.Send(i % 2 == 0 ? fixture.First : fixture.Second, HttpMethod.Get, "/orders", caller);
            statuses.Add(response.StatusCode);
        }

        Assert.Equal([.. Enumerable.Repeat(HttpStatusCode.OK, EmbeddedApp.Limit), .. Enumerable.Repeat(HttpStatusCode.TooManyRequests, EmbeddedApp.Limit)], statuses);
    }

    [Fact]
    public async Task Rejection_LimitSpent_429ProblemWithRetryAfterAndRateLimitHeaders()
    {
        var caller = $"user-{Guid.NewGuid():N}";
        for (var i = 0; i < EmbeddedApp.Limit; i++)
        {
            using var admitted = await EmbeddedAppTests.Send(fixture.First, HttpMethod.Get, "/attributed", caller);
            Assert.Equal(HttpStatusCode.OK, admitted.StatusCode);
        }

        using var response = await EmbeddedAppTests.Send(fixture.Second, HttpMethod.Get, "/attributed", caller);

        var problem = await ProblemAssert.IsAsync(response, HttpStatusCode.TooManyRequests);
        var retryAfter = response.Headers.RetryAfter?.Delta;
        Assert.NotNull(retryAfter);
        // The oldest of the 5 admissions leaves the 10-minute window in (10 min - the seconds this test took).
        Assert.InRange(retryAfter.Value, TimeSpan.FromMinutes(9), TimeSpan.FromMinutes(10));
        Assert.Equal(EmbeddedApp.Limit.ToString(System.Globalization.CultureInfo.InvariantCulture), Header(response, "RateLimit-Limit"));
        Assert.Equal("0", Header(response, "RateLimit-Remaining"));
        Assert.True(problem.GetProperty("retryAfterMs").GetInt64() > 9 * 60 * 1000, problem.ToString());
    }

    [Fact]
    public async Task Limiter_Leases_CarryLimitRemainingAndRetryAfter()
    {
        var grains = fixture.FirstServices.GetRequiredService<IGrainFactory>();
        using var limiter = new OrleansRedisRateLimiter(grains, "api", $"lease-{Guid.NewGuid():N}");

        using var attempted = limiter.AttemptAcquire();
        var remaining = new List<long>();
        for (var i = 0; i < EmbeddedApp.Limit; i++)
        {
            using var lease = await limiter.AcquireAsync();
            Assert.True(lease.IsAcquired);
            Assert.True(lease.TryGetMetadata(OrleansRedisRateLimitMetadata.Limit, out var limit));
            Assert.Equal(EmbeddedApp.Limit, limit);
            Assert.True(lease.TryGetMetadata(OrleansRedisRateLimitMetadata.Remaining, out var left));
            remaining.Add(left);
        }

        using var denied = await limiter.AcquireAsync();
        using var peeked = await limiter.AcquireAsync(permitCount: 0);
        var statistics = limiter.GetStatistics()!;

        Assert.False(attempted.IsAcquired);
        Assert.Equal([4L, 3, 2, 1, 0], remaining);
        Assert.False(denied.IsAcquired);
        Assert.True(denied.TryGetMetadata(MetadataName.RetryAfter, out var retryAfter) && retryAfter > TimeSpan.FromMinutes(9), $"retry after {retryAfter}");
        Assert.True(denied.TryGetMetadata(OrleansRedisRateLimitMetadata.Decision, out var decision));
        Assert.False(decision!.Degraded);
        Assert.False(peeked.IsAcquired);
        Assert.Equal((EmbeddedApp.Limit, 2L, 0L), (statistics.TotalSuccessfulLeases, statistics.TotalFailedLeases, statistics.CurrentAvailablePermits));
    }

    [Fact]
    public async Task Metrics_FrameworksOwnRateLimitingCounter_RecordsAcquiredAndRejectedUnderThePolicy()
    {
        var results = new List<string>();
        using var listener = new MeterListener();
        listener.InstrumentPublished = (instrument, l) =>
        {
            if (instrument.Meter.Name == "Microsoft.AspNetCore.RateLimiting" && instrument.Name == "aspnetcore.rate_limiting.requests")
            {
                l.EnableMeasurementEvents(instrument);
            }
        };
        listener.SetMeasurementEventCallback<long>((_, _, tags, _) =>
        {
            string? policy = null, result = null;
            foreach (var tag in tags)
            {
                policy = tag.Key == "aspnetcore.rate_limiting.policy" ? tag.Value as string : policy;
                result = tag.Key == "aspnetcore.rate_limiting.result" ? tag.Value as string : result;
            }

            if (policy == EmbeddedApp.MeteredPolicy && result is not null)
            {
                lock (results)
                {
                    results.Add(result);
                }
            }
        });
        listener.Start();
        var caller = $"metered-{Guid.NewGuid():N}";

        for (var i = 0; i <= EmbeddedApp.Limit; i++)
        {
            using var response = await EmbeddedAppTests.Send(fixture.Second, HttpMethod.Get, "/metered", caller);
        }

        // The counter is recorded when a request leaves the middleware; the last answer is already back.
        lock (results)
        {
            Assert.Equal(EmbeddedApp.Limit, results.Count(r => r == "acquired"));
            Assert.Equal(1, results.Count(r => r == "endpoint_limiter"));
        }
    }

    [Fact]
    public void AddOrleansRedisPolicy_RejectionStatus429InsteadOfTheFrameworks503_InvalidPolicyNameRefused()
    {
        var options = new RateLimiterOptions();
        var frameworkDefault = options.RejectionStatusCode;

        options.AddOrleansRedisPolicy("api", _ => "key");
        var exception = Assert.Throws<ArgumentException>(() => options.AddOrleansRedisPolicy("no spaces", _ => "key"));

        Assert.Equal((503, 429), (frameworkDefault, options.RejectionStatusCode));
        Assert.Equal("policyName", exception.ParamName);
    }

    private static string? Header(HttpResponseMessage response, string name) =>
        response.Headers.TryGetValues(name, out var values) ? string.Join(",", values) : null;
}
