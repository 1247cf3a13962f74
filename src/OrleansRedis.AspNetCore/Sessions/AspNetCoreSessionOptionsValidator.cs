using OrleansRedis.Abstractions.Configuration;
using OrleansRedis.Abstractions.Sessions;

namespace OrleansRedis.AspNetCore.Sessions;

/// <summary>Validates <see cref="AspNetCoreSessionOptions"/>, naming each bad setting.</summary>
public sealed class AspNetCoreSessionOptionsValidator : SettingsValidator<AspNetCoreSessionOptions>
{
    /// <inheritdoc />
    protected override IEnumerable<string> Check(AspNetCoreSessionOptions options)
    {
        const string Section = AspNetCoreSessionOptions.SectionName;
        if (options.TicketAbsoluteTimeout is { } ticket && ticket < SessionLimits.MinTimeout)
        {
            yield return $"{Section}:TicketAbsoluteTimeout must be at least {SessionLimits.MinTimeout} when set (it was {ticket}).";
        }

        if (options.SessionAbsoluteTimeout is { } session && session < SessionLimits.MinTimeout)
        {
            yield return $"{Section}:SessionAbsoluteTimeout must be at least {SessionLimits.MinTimeout} when set (it was {session}).";
        }
    }
}
