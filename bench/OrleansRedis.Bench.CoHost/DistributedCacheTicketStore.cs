using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.Cookies;
using Microsoft.Extensions.Caching.Distributed;

/// <summary>
/// The usual server-side ticket store over <see cref="IDistributedCache"/>, as applications write it (ASP.NET Core
/// ships none): the ticket serialized by <see cref="TicketSerializer"/> under a random key, expiring with the ticket.
/// The benchmark's peer for <c>OrleansRedisTicketStore</c>.
/// </summary>
internal sealed class DistributedCacheTicketStore(IDistributedCache cache) : ITicketStore
{
    private const string KeyPrefix = "bench-ticket-";

    public async Task<string> StoreAsync(AuthenticationTicket ticket)
    {
        var key = KeyPrefix + Guid.NewGuid().ToString("N");
        await RenewAsync(key, ticket);
        return key;
    }

    public Task RenewAsync(string key, AuthenticationTicket ticket)
    {
        var options = new DistributedCacheEntryOptions();
        if (ticket.Properties.ExpiresUtc is { } expires)
        {
            options.SetAbsoluteExpiration(expires);
        }

        return cache.SetAsync(key, TicketSerializer.Default.Serialize(ticket), options);
    }

    public async Task<AuthenticationTicket?> RetrieveAsync(string key) =>
        await cache.GetAsync(key) is { } bytes ? TicketSerializer.Default.Deserialize(bytes) : null;

    public Task RemoveAsync(string key) => cache.RemoveAsync(key);
}
