using System.Text.Json;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Orleans.Runtime;
using OrleansRedis.Abstractions.Errors;
using OrleansRedis.Abstractions.Locks;
using OrleansRedis.Abstractions.Queues;
using OrleansRedis.Abstractions.RateLimiting;
using OrleansRedis.Abstractions.Realtime;
using OrleansRedis.Abstractions.Sessions;
using OrleansRedis.Abstractions.Users;
using OrleansRedis.Grains.Filters;
using OrleansRedis.Redis.Operations;
using OrleansRedis.AspNetCore.Errors;
using OrleansRedis.Testing;
using StackExchange.Redis;

namespace OrleansRedis.Tests.Foundation;

/// <summary>The one exception table and the vocabulary's titles, types and headers.</summary>
public sealed class ProblemExceptionHandlerTests
{
    public static TheoryData<Exception, int, string?> Cases => new()
    {
        { new ArgumentException("bad", "name"), 400, Problems.InvalidTitle },
        { new ArgumentException("An item with the same key has already been added."), 500, Problems.UnexpectedTitle },
        { new ArgumentNullException("body"), 500, Problems.UnexpectedTitle },
        { new BadHttpRequestException("not json"), 400, Problems.InvalidTitle },
        { new BadHttpRequestException("too big", StatusCodes.Status413PayloadTooLarge), 413, null },
        { new BackendUnavailableException("redis", "down"), 503, Problems.UnavailableTitle },
        { new RedisException("down"), 503, Problems.UnavailableTitle },
        { new TimeoutException("slow"), 503, Problems.UnavailableTitle },
        { new SiloUnavailableException("gone"), 503, Problems.UnavailableTitle },
        { new OrleansException("wrapped", new UserException(UserErrorCode.NotFound, "no")), 404, Problems.NotFoundTitle },
        { new UserException(UserErrorCode.NotFound, "no"), 404, Problems.NotFoundTitle },
        { new UserException(UserErrorCode.AlreadyExists, "taken"), 409, Problems.ConflictTitle },
        { new UserException(UserErrorCode.VersionConflict, "stale", 3), 409, Problems.ConflictTitle },
        { new UserException(UserErrorCode.DatabaseUnavailable, "down"), 503, Problems.UnavailableTitle },
        { new SessionException(SessionError.InvalidData, "bad"), 400, Problems.InvalidTitle },
        { new SessionException(SessionError.Conflict, "raced"), 409, Problems.ConflictTitle },
        { new LockException(LockErrorCode.Unavailable, "l", "down"), 503, Problems.UnavailableTitle },
        { new LockException(LockErrorCode.WaitTimedOut, "l", "held"), 409, Problems.ConflictTitle },
        { new QueueException(QueueErrorCode.UnknownQueue, "q", "no"), 404, Problems.NotFoundTitle },
        { new QueueException(QueueErrorCode.NotFound, "q", "no job"), 404, Problems.NotFoundTitle },
        { new QueueException(QueueErrorCode.LeaseLost, "q", "stale"), 409, Problems.ConflictTitle },
        { new QueueException(QueueErrorCode.Invalid, "q", "bad") { Field = "payload" }, 400, Problems.InvalidTitle },
        { new QueueException(QueueErrorCode.Unavailable, "q", "down"), 503, Problems.UnavailableTitle },
        { new RateLimitException(RateLimitErrorCode.UnknownPolicy, "no"), 404, Problems.NotFoundTitle },
        { new RateLimitException(RateLimitErrorCode.InvalidKey, "bad"), 400, Problems.InvalidTitle },
        { new RateLimitException(RateLimitErrorCode.Unavailable, "down"), 503, Problems.UnavailableTitle },
        { new QueueException(QueueErrorCode.Invalid, "q", "bad cron") { Field = "cron" }, 400, Problems.InvalidTitle },
        { new QueueException(QueueErrorCode.Unknown, "q", "bug"), 500, Problems.UnexpectedTitle },
        { new RealtimeException(RealtimeErrorCode.InvalidPayload, "too big"), 400, Problems.InvalidTitle },
        { new EvictionGuardException("evicting"), 409, Problems.ConflictTitle },
        { new RedisConfigUnavailableException("renamed"), 502, Problems.BadGatewayTitle },
        { new InvalidOperationException("bug"), 500, Problems.UnexpectedTitle },
    };

    public static TheoryData<Exception, string> FieldCases => new()
    {
        { new SessionException(SessionError.InvalidData, "bad"), "data" },
        { new SessionException(SessionError.DataTooLarge, "big"), "data" },
        { new SessionException(SessionError.InvalidTimeout, "short"), "timeout" },
        { new SessionException(SessionError.InvalidUserId, "empty"), "userId" },
        { new SessionException(SessionError.InvalidKey, "raw id"), "sessionId" },
        { new RateLimitException(RateLimitErrorCode.InvalidKey, "bad"), "key" },
        { new QueueException(QueueErrorCode.Invalid, "q", "bad cron") { Field = "cron" }, "cron" },
        { new QueueException(QueueErrorCode.Invalid, "q", "bad"), Problems.RequestField },
        { new RealtimeException(RealtimeErrorCode.InvalidTopic, "bad"), "topic" },
        { new RealtimeException(RealtimeErrorCode.InvalidEventId, "bad"), "after" },
        { new RealtimeException(RealtimeErrorCode.InvalidTtl, "bad"), "ttlSeconds" },
        { new QueueException(QueueErrorCode.Invalid, "q", "not JSON") { Field = "payload" }, "payload" },
        { new QueueException(QueueErrorCode.Invalid, "q", "stale") { Field = "leaseToken" }, "leaseToken" },
        { new BadHttpRequestException("Failed to read parameter \"MaxMemoryRequest request\" from the request body as JSON."), Problems.BodyField },
        { new BadHttpRequestException("Required parameter \"string name\" was not provided from route."), "name" },
        { new BadHttpRequestException("not json"), Problems.RequestField },
    };

    [Theory]
    [MemberData(nameof(Cases))]
    public void Classify_MapsEachFailureToItsStatusAndTitle(Exception exception, int status, string? title)
    {
        var problem = ProblemExceptionHandler.Classify(exception);

        Assert.Equal((status, title), (problem.StatusCode, problem.Details.Title));
        Assert.Equal(problem.StatusCode == 503 ? 1 : null, problem.RetryAfterSeconds);
    }

    [Theory]
    [MemberData(nameof(FieldCases))]
    public void Classify_InvalidInputFromAGrain_NamesTheField(Exception exception, string field)
    {
        var details = Assert.IsType<Microsoft.AspNetCore.Http.HttpValidationProblemDetails>(ProblemExceptionHandler.Classify(exception).Details);

        Assert.Equal([exception.Message], details.Errors[field]);
        Assert.Equal(Problems.InvalidType, details.Type);
    }

    [Fact]
    public void Classify_QueueFull_Is429WithTheQueuesRetryAfterRoundedUp()
    {
        var problem = ProblemExceptionHandler.Classify(
            new QueueException(QueueErrorCode.QueueFull, "q", "full") { RetryAfter = TimeSpan.FromMilliseconds(1500) });

        Assert.Equal((429, 2L, 1500L), (problem.StatusCode, problem.RetryAfterSeconds, (long)problem.Details.Extensions["retryAfterMs"]!));
    }

    [Fact]
    public void Classify_ArgumentFromValidation_NamesTheParameterWithTheBareMessage()
    {
        var details = Assert.IsType<Microsoft.AspNetCore.Http.HttpValidationProblemDetails>(
            ProblemExceptionHandler.Classify(new ArgumentOutOfRangeException("costs", 7, "A cost must be between 0 and the limit.")).Details);

        Assert.Equal(["A cost must be between 0 and the limit."], details.Errors["costs"]);
        Assert.Single(details.Errors);
    }

    [Fact]
    public void TooManyRequests_RetryAfterInWholeSecondsRoundedUpAndMillisecondsInTheBody()
    {
        var problem = Problems.TooManyRequests("Queue 'q' is full.", TimeSpan.FromMilliseconds(1200));
        var quick = Problems.TooManyRequests("Queue 'q' is full.", TimeSpan.Zero);

        Assert.Equal((429, Problems.TooManyRequestsTitle, Problems.TooManyRequestsType), (problem.StatusCode, problem.Details.Title, problem.Details.Type));
        Assert.Equal((2L, 1200L), (problem.RetryAfterSeconds, (long)problem.Details.Extensions["retryAfterMs"]!));
        Assert.Equal(1, quick.RetryAfterSeconds);
    }

    [Fact]
    public void Classify_ArgumentNullFromAHandlerBug_IsUnexpectedWithoutDetail()
    {
        var problem = ProblemExceptionHandler.Classify(new ArgumentNullException("request", "Value cannot be null."));

        Assert.Equal((500, null), (problem.StatusCode, problem.Details.Detail));
    }

    [Fact]
    public void Classify_OrleansResponseTimeout_IsUnavailableFromTheCluster()
    {
        var problem = ProblemExceptionHandler.Classify(new TimeoutException("Response did not arrive on time in 00:00:30 for message: Request [S127.0.0.1:11111:1 sys.client]"));

        Assert.Equal((503, "cluster"), (problem.StatusCode, problem.Details.Extensions[Problems.BackendExtension]));
    }

    [Fact]
    public async Task Classify_RealRedisTimeout_IsUnavailableFromRedis()
    {
        await using var redis = await RedisServer.StartAsync();
        await using var admin = await redis.ConnectAsync();
        await using var slow = await ConnectionMultiplexer.ConnectAsync($"{redis.ConnectionString},asyncTimeout=200,syncTimeout=200");
        await slow.GetDatabase().PingAsync();

        // CLIENT PAUSE WRITE holds every client's writes, so the next write outlives its 200 ms timeout.
        await admin.GetServers()[0].ExecuteAsync("CLIENT", "PAUSE", "5000", "WRITE");
        var timeout = await Assert.ThrowsAsync<RedisTimeoutException>(() => slow.GetDatabase().StringSetAsync("any", "value"));
        await admin.GetServers()[0].ExecuteAsync("CLIENT", "UNPAUSE");
        var problem = ProblemExceptionHandler.Classify(timeout);

        Assert.Equal((503, "redis"), (problem.StatusCode, problem.Details.Extensions[Problems.BackendExtension]));
        Assert.NotNull(BackendFailureFilter.Describe(timeout));
        Assert.Null(BackendFailureFilter.Describe(new TimeoutException("Response did not arrive on time")));
    }

    [Theory]
    [InlineData(null)]
    [InlineData("The body is not JSON.")]
    public void ForStatus_400_AlwaysCarriesErrors(string? detail)
    {
        var details = Assert.IsType<Microsoft.AspNetCore.Http.HttpValidationProblemDetails>(Problems.ForStatus(400, detail).Details);

        Assert.Equal([detail ?? Problems.InvalidTitle], details.Errors[Problems.RequestField]);
    }

    [Fact]
    public void Classify_Unexpected_RevealsNoDetail()
    {
        var problem = ProblemExceptionHandler.Classify(new InvalidOperationException("connection string with a password"));

        Assert.Null(problem.Details.Detail);
    }

    [Fact]
    public void Classify_VersionConflict_CarriesTheCurrentVersion()
    {
        var problem = ProblemExceptionHandler.Classify(new UserException(UserErrorCode.VersionConflict, "stale", 7));

        Assert.Equal(7L, problem.Details.Extensions["currentVersion"]);
        Assert.Equal(Problems.ConflictType, problem.Details.Type);
    }

    [Theory]
    [InlineData("redis")]
    [InlineData("database")]
    public void Classify_BackendUnavailable_NamesTheBackend(string backend)
    {
        var problem = ProblemExceptionHandler.Classify(new BackendUnavailableException(backend, "down"));

        Assert.Equal(backend, problem.Details.Extensions[Problems.BackendExtension]);
        Assert.Equal("down", problem.Details.Detail);
    }

    [Fact]
    public async Task Execute_Unavailable_WritesProblemJsonWithRetryAfterAndReason()
    {
        var (context, body) = NewContext();

        await Problems.Unavailable("Redis did not answer.", "redis", retryAfterSeconds: 3).ExecuteAsync(context);
        var json = await ReadAsync(context, body);

        Assert.Equal((503, "application/problem+json", "3"), (context.Response.StatusCode, context.Response.ContentType, context.Response.Headers.RetryAfter.ToString()));
        Assert.Equal(Problems.UnavailableTitle, json.GetProperty("title").GetString());
        Assert.Equal(Problems.UnavailableType, json.GetProperty("type").GetString());
        Assert.Equal("Redis did not answer.", json.GetProperty("detail").GetString());
        Assert.Equal("redis", json.GetProperty("backend").GetString());
    }

    [Fact]
    public async Task Execute_Invalid_WritesErrorsPerField()
    {
        var (context, body) = NewContext();

        await new FieldErrors().Check("name", "Too long.").Check("leaseMs", null).Check("name", "Has a control character.").Problem()!.ExecuteAsync(context);
        var json = await ReadAsync(context, body);

        Assert.Equal(400, context.Response.StatusCode);
        Assert.Equal(Problems.InvalidTitle, json.GetProperty("title").GetString());
        Assert.Equal(["Too long.", "Has a control character."], json.GetProperty("errors").GetProperty("name").EnumerateArray().Select(e => e.GetString()));
        Assert.False(json.GetProperty("errors").TryGetProperty("leaseMs", out _));
    }

    [Fact]
    public void FieldErrors_NoFailedRule_IsValidAndHasNoProblem()
    {
        var errors = new FieldErrors().Check("name", null).Check("token", null);

        Assert.True(errors.IsValid);
        Assert.Null(errors.Problem());
    }

    [Fact]
    public async Task Handler_UnknownException_Answers500WithoutDetail()
    {
        var (context, body) = NewContext();
        var handler = new ProblemExceptionHandler(context.RequestServices.GetRequiredService<Microsoft.Extensions.Logging.ILogger<ProblemExceptionHandler>>());

        var handled = await handler.TryHandleAsync(context, new InvalidOperationException("secret"), CancellationToken.None);
        var json = await ReadAsync(context, body);

        Assert.True(handled);
        Assert.Equal(500, context.Response.StatusCode);
        Assert.Equal(Problems.UnexpectedTitle, json.GetProperty("title").GetString());
        Assert.False(json.TryGetProperty("detail", out _));
    }

    private static (DefaultHttpContext Context, MemoryStream Body) NewContext()
    {
        var services = new ServiceCollection().AddLogging().AddOrleansRedisProblems().BuildServiceProvider();
        var body = new MemoryStream();
        var context = new DefaultHttpContext { RequestServices = services };
        context.Response.Body = body;
        return (context, body);
    }

    private static async Task<JsonElement> ReadAsync(DefaultHttpContext context, MemoryStream body)
    {
        await context.Response.Body.FlushAsync();
        body.Position = 0;
        using var document = await JsonDocument.ParseAsync(body);
        return document.RootElement.Clone();
    }
}
