namespace OrleansRedis.AspNetCore.Errors;

/// <summary>
/// Turns the typed failures of a grain call (<see cref="Problems.FromException"/>) into their problem answers inside
/// the endpoint, so handlers call grains without a try/catch of their own. Mapped on the whole API by
/// <c>MapOrleansRedisEndpoints</c>; a new capability's endpoints get it by being mapped there. Failures outside the table
/// (bugs) pass on to <see cref="ProblemExceptionHandler"/>, which answers 500.
/// </summary>
public sealed partial class ProblemEndpointFilter(ILogger<ProblemEndpointFilter> logger) : IEndpointFilter
{
    /// <inheritdoc />
    public async ValueTask<object?> InvokeAsync(EndpointFilterInvocationContext context, EndpointFilterDelegate next)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(next);
        try
        {
            return await next(context).ConfigureAwait(false);
        }
        catch (Exception ex) when (Problems.FromException(ex) is { } problem)
        {
            if (problem.StatusCode >= StatusCodes.Status500InternalServerError)
            {
                LogUnavailable(problem.StatusCode.Value, ex.GetType().Name, ex.Message);
            }

            return problem;
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Request failed with {Status}: {ExceptionType}: {Reason}")]
    private partial void LogUnavailable(int status, string exceptionType, string reason);
}
