using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.WebUtilities;

namespace OrleansRedis.AspNetCore.Errors;

/// <summary>Registers the problem vocabulary (<see cref="Problems"/>) for the whole host.</summary>
public static class ProblemServiceCollectionExtensions
{
    /// <summary>
    /// Adds problem+json for every error answer, the exception handler that maps failures through
    /// <see cref="Problems.FromException"/>, and the vocabulary's titles for problems the framework writes itself (an
    /// unknown route's 404, a body that is not JSON), so a client sees one title per status wherever the answer came from.
    /// </summary>
    public static IServiceCollection AddOrleansRedisProblems(this IServiceCollection services)
    {
        services.AddProblemDetails(options => options.CustomizeProblemDetails = context =>
        {
            var details = context.ProblemDetails;
            // The framework titles its own problems with the reason phrase ("Not Found"); ours never are one.
            if (details.Status is { } status && Problems.TitleFor(status) is { } title
                && (details.Title is null || details.Title == ReasonPhrases.GetReasonPhrase(status)))
            {
                details.Title = title;
            }

            // Every 400 names what is wrong, the framework's own ones too.
            if (details.Status == StatusCodes.Status400BadRequest && details is not HttpValidationProblemDetails && !details.Extensions.ContainsKey("errors"))
            {
                details.Extensions["errors"] = new Dictionary<string, string[]>(StringComparer.Ordinal)
                {
                    [Problems.RequestField] = [details.Detail ?? Problems.InvalidTitle],
                };
            }
        });
        services.AddExceptionHandler<ProblemExceptionHandler>();
        return services;
    }
}
