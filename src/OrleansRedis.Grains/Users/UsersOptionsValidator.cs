using Microsoft.Extensions.Options;

namespace OrleansRedis.Grains.Users;

/// <summary>Validates <see cref="UsersOptions"/> with messages that name the setting.</summary>
public sealed class UsersOptionsValidator(IOptions<DatabaseOptions> database) : IValidateOptions<UsersOptions>
{
    /// <inheritdoc />
    public ValidateOptionsResult Validate(string? name, UsersOptions options)
    {
        var errors = Errors(options, database.Value.OperationTimeout).ToList();
        return errors.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(errors);
    }

    /// <summary>Lists every problem in <paramref name="options"/>, each naming its setting.</summary>
    public static IEnumerable<string> Errors(UsersOptions options, TimeSpan databaseTimeout)
    {
        const string Section = UsersOptions.SectionName;
        if (options.BindError is { } bindError)
        {
            yield return bindError;
            yield break;
        }

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
