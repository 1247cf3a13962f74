using Microsoft.AspNetCore.Diagnostics;
using Microsoft.AspNetCore.Mvc;
using Orleans.Runtime;
using OrleansRedis.Abstractions.Errors;
using OrleansRedis.Abstractions.Locks;
using OrleansRedis.Abstractions.RateLimiting;
using OrleansRedis.Abstractions.Sessions;
using OrleansRedis.Abstractions.Users;
using StackExchange.Redis;

namespace OrleansRedis.Silo.Errors;

/// <summary>
/// Turns the failures a request can meet into problem+json: bad input is the caller's 400, and an unreachable Redis
/// or cluster is a 503 with the reason, so a client can tell "fix your request" from "retry later".
/// </summary>
public sealed partial class ProblemExceptionHandler(IProblemDetailsService problems, ILogger<ProblemExceptionHandler> logger) : IExceptionHandler
{
    /// <inheritdoc />
    public async ValueTask<bool> TryHandleAsync(HttpContext context, Exception exception, CancellationToken cancellationToken)
    {
        var (status, title) = Classify(exception);
        if (status >= StatusCodes.Status500InternalServerError)
        {
            LogUnavailable(exception.GetType().Name, exception.Message);
        }

        context.Response.StatusCode = status;
        if (status == StatusCodes.Status503ServiceUnavailable)
        {
            context.Response.Headers.RetryAfter = "1";
        }

        return await problems.TryWriteAsync(new ProblemDetailsContext
        {
            HttpContext = context,
            Exception = exception,
            ProblemDetails = new ProblemDetails
            {
                Status = status,
                Title = title,
                Detail = status == StatusCodes.Status500InternalServerError ? null : exception.Message,
            },
        });
    }

    /// <summary>Maps an exception to the HTTP status and title it deserves.</summary>
    public static (int Status, string Title) Classify(Exception exception) => exception switch
    {
        BadHttpRequestException bad => (bad.StatusCode, "The request is malformed."),
        ArgumentException => (StatusCodes.Status400BadRequest, "The request is invalid."),
        BackendUnavailableException => (StatusCodes.Status503ServiceUnavailable, "The backend is temporarily unavailable."),

        // Each endpoint maps its capability's errors itself; these are the safety net for a call outside those handlers.
        UserException { Code: UserErrorCode.NotFound } => (StatusCodes.Status404NotFound, "No such user."),
        UserException { Code: UserErrorCode.AlreadyExists or UserErrorCode.VersionConflict } => (StatusCodes.Status409Conflict, "The user changed or already exists."),
        UserException { Code: UserErrorCode.DatabaseUnavailable } => (StatusCodes.Status503ServiceUnavailable, "The database is temporarily unavailable."),
        SessionException { Error: SessionError.AlreadyExists or SessionError.Conflict } => (StatusCodes.Status409Conflict, "The session changed; retry."),
        SessionException => (StatusCodes.Status400BadRequest, "The session request is invalid."),
        LockException { Code: LockErrorCode.Unavailable } => (StatusCodes.Status503ServiceUnavailable, "The lock service is temporarily unavailable."),
        LockException => (StatusCodes.Status409Conflict, "The lock could not be taken or is no longer held."),
        RateLimitException { Code: RateLimitErrorCode.UnknownPolicy } => (StatusCodes.Status404NotFound, "No such rate-limit policy."),
        RateLimitException { Code: RateLimitErrorCode.Unavailable } => (StatusCodes.Status503ServiceUnavailable, "Rate limiting is temporarily unavailable."),
        RateLimitException => (StatusCodes.Status400BadRequest, "The rate-limit request is invalid."),
        RedisException or TimeoutException or SiloUnavailableException or OrleansMessageRejectionException
            => (StatusCodes.Status503ServiceUnavailable, "The backend is temporarily unavailable."),
        OrleansException { InnerException: { } inner } => Classify(inner),
        OrleansException => (StatusCodes.Status503ServiceUnavailable, "The backend is temporarily unavailable."),
        _ => (StatusCodes.Status500InternalServerError, "An unexpected error occurred."),
    };

    [LoggerMessage(Level = LogLevel.Warning, Message = "Request failed with 503: {ExceptionType}: {Reason}")]
    private partial void LogUnavailable(string exceptionType, string reason);
}
