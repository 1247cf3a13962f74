using Microsoft.Extensions.Options;
using OrleansRedis.Abstractions.Configuration;
using OrleansRedis.Abstractions.Locks;

namespace OrleansRedis.Client.Locks;

/// <summary>Validates <see cref="LockClientOptions"/>, naming each bad setting.</summary>
public sealed class LockClientOptionsValidator : SettingsValidator<LockClientOptions>
{
    /// <summary>The longest <see cref="LockClientOptions.MaxWaitPerCall"/> allowed: below Orleans' 30 s call timeout.</summary>
    public static readonly TimeSpan MaxWaitPerCallLimit = TimeSpan.FromSeconds(25);

    /// <inheritdoc />
    protected override IEnumerable<string> Check(LockClientOptions options) => Errors(options);

    /// <summary>Lists every problem in <paramref name="options"/>.</summary>
    public static IEnumerable<string> Errors(LockClientOptions options)
    {
        const string Section = LockClientOptions.SectionName;
        if (!LockLimits.IsValidOwner(options.Owner))
        {
            yield return $"{Section}:Owner must be 1-{LockLimits.MaxOwnerLength} characters without control characters.";
        }

        if (options.RenewInterval is { } renew && renew < TimeSpan.FromMilliseconds(1))
        {
            yield return $"{Section}:RenewInterval must be at least 1 ms when set (it was {renew}).";
        }

        if (options.MaxHoldTime <= TimeSpan.Zero)
        {
            yield return $"{Section}:MaxHoldTime must be greater than 0 (it was {options.MaxHoldTime}).";
        }

        if (options.MaxWaitPerCall <= TimeSpan.Zero || options.MaxWaitPerCall > MaxWaitPerCallLimit)
        {
            yield return $"{Section}:MaxWaitPerCall must be greater than 0 and at most {MaxWaitPerCallLimit} (it was {options.MaxWaitPerCall}).";
        }

        if (options.DistributedLockLease < TimeSpan.FromMilliseconds(3))
        {
            yield return $"{Section}:DistributedLockLease must be at least 3 ms (it was {options.DistributedLockLease}).";
        }

        if (options.RetryDelay <= TimeSpan.Zero || options.RetryDelay > TimeSpan.FromSeconds(10))
        {
            yield return $"{Section}:RetryDelay must be greater than 0 and at most 00:00:10 (it was {options.RetryDelay}).";
        }
    }
}
