using Microsoft.Extensions.Options;

namespace OrleansRedis.Abstractions.Configuration;

/// <summary>
/// The one validator shape of the project's options: the values <see cref="SettingsBinder"/> could not read come
/// first, then <see cref="Check"/>'s range problems, all in one <see cref="ValidateOptionsResult"/>, so a host started
/// with several bad settings lists all of them at once, each by its full name.
/// </summary>
/// <typeparam name="TOptions">The options class validated.</typeparam>
public abstract class SettingsValidator<TOptions> : IValidateOptions<TOptions>
    where TOptions : class
{
    /// <inheritdoc />
    public ValidateOptionsResult Validate(string? name, TOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var errors = SettingsBinder.Report(options, Check(options));
        return errors.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(errors);
    }

    /// <summary>Lists every range or consistency problem of <paramref name="options"/>, each naming its setting.</summary>
    /// <param name="options">The bound options.</param>
    /// <returns>One message per problem, starting with the full name of the setting.</returns>
    protected abstract IEnumerable<string> Check(TOptions options);
}
