using Microsoft.Extensions.Options;
using OrleansRedis.Abstractions.Configuration;

namespace OrleansRedis.Grains.Users;

/// <summary>Validates <see cref="UsersOptions"/> with messages that name the setting.</summary>
public sealed class UsersOptionsValidator(IOptions<DatabaseOptions> database) : SettingsValidator<UsersOptions>
{
    /// <inheritdoc />
    protected override IEnumerable<string> Check(UsersOptions options)
    {
        // Bad database settings are reported by their own validator; measured against the default timeout here, so
        // that each problem is listed once.
        TimeSpan databaseTimeout;
        try
        {
            databaseTimeout = database.Value.OperationTimeout;
        }
        catch (OptionsValidationException)
        {
            databaseTimeout = new DatabaseOptions().OperationTimeout;
        }

        return Errors(options, databaseTimeout);
    }

    /// <summary>Lists every problem in <paramref name="options"/>, each naming its setting.</summary>
    public static IEnumerable<string> Errors(UsersOptions options, TimeSpan databaseTimeout)
    {
        const string Section = UsersOptions.SectionName;
        if (options.CacheTtl < TimeSpan.FromSeconds(1) || options.CacheTtl > TimeSpan.FromDays(30))
        {
            yield return $"{Section}:CacheTtl must be between 00:00:01 and 30.00:00:00 (it was {options.CacheTtl}).";
        }

        if (options.CacheTtlJitter < TimeSpan.Zero || options.CacheTtlJitter > options.CacheTtl)
        {
            yield return $"{Section}:CacheTtlJitter must be between 0 and CacheTtl ({options.CacheTtl}) (it was {options.CacheTtlJitter}).";
        }

        if (options.NegativeCacheTtl <= databaseTimeout || options.NegativeCacheTtl > TimeSpan.FromDays(1))
        {
            yield return $"{Section}:NegativeCacheTtl must be longer than OrleansRedis:Database:OperationTimeout ({databaseTimeout}) and at most 1.00:00:00 (it was {options.NegativeCacheTtl}).";
        }
    }
}
