using OrleansRedis.Abstractions.Errors;
using OrleansRedis.Abstractions.Locks;
using OrleansRedis.Abstractions.RateLimiting;
using OrleansRedis.Abstractions.Sessions;
using OrleansRedis.Abstractions.Users;
using OrleansRedis.Silo.Errors;
using StackExchange.Redis;

namespace OrleansRedis.Tests.Foundation;

public sealed class ProblemExceptionHandlerTests
{
    public static TheoryData<Exception, int> Cases => new()
    {
        { new ArgumentException("bad"), 400 },
        { new BackendUnavailableException("redis", "down"), 503 },
        { new RedisException("down"), 503 },
        { new TimeoutException("slow"), 503 },
        { new UserException(UserErrorCode.NotFound, "no"), 404 },
        { new UserException(UserErrorCode.VersionConflict, "stale", 3), 409 },
        { new UserException(UserErrorCode.DatabaseUnavailable, "down"), 503 },
        { new SessionException(SessionError.InvalidData, "bad"), 400 },
        { new SessionException(SessionError.Conflict, "raced"), 409 },
        { new LockException(LockErrorCode.Unavailable, "l", "down"), 503 },
        { new LockException(LockErrorCode.WaitTimedOut, "l", "held"), 409 },
        { new RateLimitException(RateLimitErrorCode.UnknownPolicy, "no"), 404 },
        { new RateLimitException(RateLimitErrorCode.Unavailable, "down"), 503 },
        { new InvalidOperationException("bug"), 500 },
    };

    [Theory]
    [MemberData(nameof(Cases))]
    public void Classify_MapsEachFailureToItsStatus(Exception exception, int expected) =>
        Assert.Equal(expected, ProblemExceptionHandler.Classify(exception).Status);
}
