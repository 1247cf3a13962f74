using System.Security.Claims;
using System.Text.Json;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.Cookies;
using Microsoft.Extensions.Options;
using OrleansRedis.Abstractions.Sessions;
using OrleansRedis.AspNetCore.Sessions;

namespace OrleansRedis.AspNetCore.Tickets;

/// <summary>
/// Cookie authentication tickets kept server side in OrleansRedis sessions (<see cref="CookieAuthenticationOptions.SessionStore"/>):
/// the cookie carries only the 256-bit session id, the ticket lives in Redis. The ticket's lifetime
/// (<c>ExpiresUtc - IssuedUtc</c>, which the cookie handler slides) is the session's idle timeout,
/// <see cref="AspNetCoreSessionOptions.TicketAbsoluteTimeout"/> its absolute one; the user is the ticket's
/// <see cref="ClaimTypes.NameIdentifier"/> claim, so <see cref="SignOutEverywhereAsync"/> ends every ticket of a user
/// on every server. A ticket without that claim is stored as an anonymous session.
/// </summary>
public sealed class OrleansRedisTicketStore(IGrainFactory grains, IOptions<AspNetCoreSessionOptions> options) : ITicketStore
{
    private const string TicketField = "ticket";

    /// <inheritdoc />
    /// <exception cref="SessionException">The ticket is too large for the session store, or its user id or lifetime is refused.</exception>
    public async Task<string> StoreAsync(AuthenticationTicket ticket)
    {
        ArgumentNullException.ThrowIfNull(ticket);
        var userId = ticket.Principal.FindFirst(ClaimTypes.NameIdentifier)?.Value;
        var data = Encode(ticket, out var bytes);
        try
        {
            var created = await grains.CreateSessionAsync(new SessionDraft(userId, data, Lifetime(ticket), options.Value.TicketAbsoluteTimeout)).ConfigureAwait(false);
            return created.SessionId;
        }
        catch (SessionException ex) when (ex.Error == SessionError.DataTooLarge)
        {
            throw TooLarge(ticket, bytes, ex);
        }
    }

    /// <inheritdoc />
    public async Task RenewAsync(string key, AuthenticationTicket ticket)
    {
        ArgumentNullException.ThrowIfNull(ticket);
        if (!SessionIds.IsWellFormed(key))
        {
            return;
        }

        var data = Encode(ticket, out var bytes);
        try
        {
            await grains.GetSession(key).ReplaceDataAsync(data).ConfigureAwait(false);
        }
        catch (SessionException ex) when (ex.Error == SessionError.DataTooLarge)
        {
            throw TooLarge(ticket, bytes, ex);
        }
    }

    /// <inheritdoc />
    public async Task<AuthenticationTicket?> RetrieveAsync(string key)
    {
        // A cookie is the client's to forge: a malformed key is "no ticket", never an error.
        if (!SessionIds.IsWellFormed(key) || await grains.GetSession(key).GetAsync().ConfigureAwait(false) is not { } session)
        {
            return null;
        }

        using var document = JsonDocument.Parse(session.Data);
        return document.RootElement.TryGetProperty(TicketField, out var field) && field.ValueKind == JsonValueKind.String
            ? TicketSerializer.Default.Deserialize(field.GetBytesFromBase64())
            : null;
    }

    /// <inheritdoc />
    public async Task RemoveAsync(string key)
    {
        if (SessionIds.IsWellFormed(key))
        {
            await grains.GetSession(key).DestroyAsync().ConfigureAwait(false);
        }
    }

    /// <summary>Ends every ticket of <paramref name="userId"/> (the <see cref="ClaimTypes.NameIdentifier"/> claim) on every server.</summary>
    /// <returns>How many tickets were ended.</returns>
    public Task<int> SignOutEverywhereAsync(string userId) => grains.GetUserSessions(userId).RevokeAllAsync();

    private static TimeSpan? Lifetime(AuthenticationTicket ticket) =>
        ticket.Properties is { ExpiresUtc: { } expires, IssuedUtc: { } issued } && expires > issued ? expires - issued : null;

    private static string Encode(AuthenticationTicket ticket, out int bytes)
    {
        var serialized = TicketSerializer.Default.Serialize(ticket);
        bytes = serialized.Length;
        return JsonSerializer.Serialize(new Dictionary<string, byte[]> { [TicketField] = serialized });
    }

    private static SessionException TooLarge(AuthenticationTicket ticket, int bytes, SessionException inner) =>
        new(SessionError.DataTooLarge,
            $"The authentication ticket of scheme '{ticket.AuthenticationScheme}' ({ticket.Principal.Claims.Count()} claims) is {bytes} bytes " +
            $"serialized, {(bytes + 2) / 3 * 4} as stored: too large for the session store. {inner.Message} " +
            "Keep fewer or smaller claims in the ticket, or raise OrleansRedis:Sessions:MaxDataBytes on the silos.");
}
