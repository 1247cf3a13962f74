using System.Globalization;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;

namespace OrleansRedis.AspNetCore.Errors;

/// <summary>
/// A problem+json answer built by <see cref="Problems"/>: the problem details, and the <c>Retry-After</c> header when
/// retrying later can help. Written through <see cref="IProblemDetailsService"/> like every other problem of the host,
/// so endpoint answers and exception-handler answers have one body shape.
/// </summary>
public sealed class ProblemResult : IResult, IStatusCodeHttpResult, IValueHttpResult, IValueHttpResult<ProblemDetails>
{
    internal ProblemResult(ProblemDetails details, long? retryAfterSeconds)
    {
        Details = details;
        RetryAfterSeconds = retryAfterSeconds;
    }

    /// <summary>Gets the problem details written as the body (<see cref="HttpValidationProblemDetails"/> for invalid input).</summary>
    public ProblemDetails Details { get; }

    /// <summary>Gets the <c>Retry-After</c> seconds sent with the problem, or <see langword="null"/> for none.</summary>
    public long? RetryAfterSeconds { get; }

    /// <inheritdoc />
    public int? StatusCode => Details.Status;

    /// <inheritdoc />
    public ProblemDetails Value => Details;

    /// <inheritdoc />
    object? IValueHttpResult.Value => Details;

    /// <inheritdoc />
    public Task ExecuteAsync(HttpContext httpContext)
    {
        ArgumentNullException.ThrowIfNull(httpContext);
        if (RetryAfterSeconds is { } seconds)
        {
            httpContext.Response.Headers.RetryAfter = seconds.ToString(CultureInfo.InvariantCulture);
        }

        return TypedResults.Problem(Details).ExecuteAsync(httpContext);
    }
}
