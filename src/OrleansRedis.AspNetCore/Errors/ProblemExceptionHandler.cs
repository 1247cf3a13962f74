using Microsoft.AspNetCore.Diagnostics;

namespace OrleansRedis.AspNetCore.Errors;

/// <summary>
/// The safety net for failures that escape an endpoint (request binding, middleware, a bug): maps them through the same
/// table as the endpoints (<see cref="Problems.FromException"/>), so bad input is the caller's 400 and an unreachable
/// Redis or cluster a 503 with <c>Retry-After</c>, and anything else a 500 without internals.
/// </summary>
public sealed partial class ProblemExceptionHandler(ILogger<ProblemExceptionHandler> logger) : IExceptionHandler
{
    /// <inheritdoc />
    public async ValueTask<bool> TryHandleAsync(HttpContext context, Exception exception, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(exception);
        var problem = Classify(exception);
        if (problem.StatusCode == StatusCodes.Status500InternalServerError)
        {
            // The middleware stays silent about an exception a handler took, so the bug's stack trace is logged here.
            LogUnexpected(exception);
        }
        else if (problem.StatusCode > StatusCodes.Status500InternalServerError)
        {
            LogFailed(problem.StatusCode.Value, exception.GetType().Name, exception.Message);
        }

        await problem.ExecuteAsync(context).ConfigureAwait(false);
        return true;
    }

    /// <summary>Maps an exception to its problem: the table's answer, or a 500 that reveals nothing.</summary>
    public static ProblemResult Classify(Exception exception) =>
        Problems.FromException(exception) ?? Problems.ForStatus(StatusCodes.Status500InternalServerError, detail: null);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Request failed with {Status}: {ExceptionType}: {Reason}")]
    private partial void LogFailed(int status, string exceptionType, string reason);

    [LoggerMessage(Level = LogLevel.Error, Message = "Request failed with an unexpected exception")]
    private partial void LogUnexpected(Exception exception);
}
