using System.Security.Claims;
using System.Security.Cryptography;
using System.Text;
using System.Text.Encodings.Web;
using Microsoft.AspNetCore.Authentication;
using Microsoft.Extensions.Options;
using OrleansRedis.AspNetCore.Errors;
using OrleansRedis.AspNetCore.Options;

namespace OrleansRedis.AspNetCore.Security;

/// <summary>
/// The <c>X-Admin-Key</c> authentication scheme (<see cref="OrleansRedisAuthorization.AdminKeyScheme"/>), the default
/// of the admin policy. A request whose header matches <c>OrleansRedis:Admin:ApiKey</c> is authenticated as the admin;
/// with no key configured nobody is, so an unconfigured deployment never exposes admin operations. Keys are compared in
/// constant time. Its challenge and refusal are problem+json: 401 naming the header, 403 when admin is disabled.
/// </summary>
public sealed class AdminKeyAuthenticationHandler(
    IOptionsMonitor<AuthenticationSchemeOptions> options, ILoggerFactory logger, UrlEncoder encoder, IOptions<AdminSettings> settings)
    : AuthenticationHandler<AuthenticationSchemeOptions>(options, logger, encoder)
{
    /// <summary>The header callers send the key in.</summary>
    public const string HeaderName = "X-Admin-Key";

    /// <summary>The role claim of the admin principal.</summary>
    public const string AdminRole = "orleansredis-admin";

    /// <summary>Compares two keys in time that depends on neither their contents nor their lengths.</summary>
    public static bool Matches(string presented, string expected) =>
        CryptographicOperations.FixedTimeEquals(
            SHA256.HashData(Encoding.UTF8.GetBytes(presented)),
            SHA256.HashData(Encoding.UTF8.GetBytes(expected)));

    /// <inheritdoc />
    protected override Task<AuthenticateResult> HandleAuthenticateAsync()
    {
        var expected = settings.Value.ApiKey;
        if (string.IsNullOrEmpty(expected) || !Request.Headers.TryGetValue(HeaderName, out var presented))
        {
            return Task.FromResult(AuthenticateResult.NoResult());
        }

        if (!Matches(presented.ToString(), expected))
        {
            return Task.FromResult(AuthenticateResult.Fail($"The {HeaderName} header does not match OrleansRedis:Admin:ApiKey."));
        }

        var identity = new ClaimsIdentity([new Claim(ClaimTypes.Name, "admin"), new Claim(ClaimTypes.Role, AdminRole)], Scheme.Name);
        return Task.FromResult(AuthenticateResult.Success(new AuthenticationTicket(new ClaimsPrincipal(identity), Scheme.Name)));
    }

    /// <inheritdoc />
    protected override Task HandleChallengeAsync(AuthenticationProperties properties)
    {
        if (string.IsNullOrEmpty(settings.Value.ApiKey))
        {
            return Problems.ForStatus(StatusCodes.Status403Forbidden, "Admin endpoints are disabled: set OrleansRedis:Admin:ApiKey to enable them.")
                .ExecuteAsync(Context);
        }

        Response.Headers.WWWAuthenticate = $"ApiKey header=\"{HeaderName}\"";
        return Problems.ForStatus(StatusCodes.Status401Unauthorized, $"A valid admin key is required: send it in the {HeaderName} header.")
            .ExecuteAsync(Context);
    }

    /// <inheritdoc />
    protected override Task HandleForbiddenAsync(AuthenticationProperties properties) =>
        Problems.ForStatus(StatusCodes.Status403Forbidden, $"The caller is authenticated but the {OrleansRedisAuthorization.AdminPolicy} policy does not allow the operation.")
            .ExecuteAsync(Context);
}
