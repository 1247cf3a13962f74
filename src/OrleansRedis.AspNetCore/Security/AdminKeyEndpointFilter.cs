using System.Security.Cryptography;
using System.Text;
using Microsoft.Extensions.Options;
using OrleansRedis.AspNetCore.Errors;
using OrleansRedis.AspNetCore.Options;

namespace OrleansRedis.AspNetCore.Security;

/// <summary>
/// Guards admin endpoints with the <c>X-Admin-Key</c> header. With no key configured every request is refused, so an
/// unconfigured deployment never exposes admin operations. Keys are compared in constant time.
/// </summary>
public sealed class AdminKeyEndpointFilter(IOptions<AdminSettings> settings) : IEndpointFilter
{
    /// <summary>The header callers send the key in.</summary>
    public const string HeaderName = "X-Admin-Key";

    /// <inheritdoc />
    public async ValueTask<object?> InvokeAsync(EndpointFilterInvocationContext context, EndpointFilterDelegate next)
    {
        var expected = settings.Value.ApiKey;
        if (string.IsNullOrEmpty(expected))
        {
            return Problems.ForStatus(StatusCodes.Status403Forbidden, "Admin endpoints are disabled: set OrleansRedis:Admin:ApiKey to enable them.");
        }

        var presented = context.HttpContext.Request.Headers[HeaderName].ToString();
        if (!Matches(presented, expected))
        {
            return Problems.ForStatus(StatusCodes.Status401Unauthorized, $"A valid admin key is required: send it in the {HeaderName} header.");
        }

        return await next(context);
    }

    /// <summary>Compares two keys in time that depends on neither their contents nor their lengths.</summary>
    public static bool Matches(string presented, string expected) =>
        CryptographicOperations.FixedTimeEquals(
            SHA256.HashData(Encoding.UTF8.GetBytes(presented)),
            SHA256.HashData(Encoding.UTF8.GetBytes(expected)));
}
