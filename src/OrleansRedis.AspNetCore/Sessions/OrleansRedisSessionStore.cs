using Microsoft.AspNetCore.Session;
using Microsoft.Extensions.Options;

namespace OrleansRedis.AspNetCore.Sessions;

/// <summary>
/// The <see cref="ISessionStore"/> of ASP.NET Core's session middleware over OrleansRedis sessions: see
/// <see cref="OrleansRedisSession"/>. Register it with <c>AddOrleansRedisSessionStore</c> (before or after <c>AddSession</c>).
/// </summary>
public sealed class OrleansRedisSessionStore(IGrainFactory grains, IOptions<AspNetCoreSessionOptions> options, ILogger<OrleansRedisSession> logger)
    : ISessionStore
{
    /// <inheritdoc />
    public ISession Create(string sessionKey, TimeSpan idleTimeout, TimeSpan ioTimeout, Func<bool> tryEstablishSession, bool isNewSessionKey) =>
        new OrleansRedisSession(
            grains, sessionKey, idleTimeout, options.Value.SessionAbsoluteTimeout, ioTimeout, tryEstablishSession, isNewSessionKey, logger);
}
