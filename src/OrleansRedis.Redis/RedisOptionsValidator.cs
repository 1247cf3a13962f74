using Microsoft.Extensions.Options;
using OrleansRedis.Abstractions.Configuration;
using StackExchange.Redis;

namespace OrleansRedis.Redis;

/// <summary>
/// Validates <see cref="RedisOptions"/> with messages that name the setting, so a bad value stops the host with a
/// message an operator can act on.
/// </summary>
public sealed class RedisOptionsValidator : SettingsValidator<RedisOptions>
{
    /// <inheritdoc />
    protected override IEnumerable<string> Check(RedisOptions options) => Errors(options);

    /// <summary>Lists every problem in <paramref name="options"/>, each naming its setting.</summary>
    public static IEnumerable<string> Errors(RedisOptions options)
    {
        const string Section = RedisOptions.SectionName;
        if (options.HostSuppliesState)
        {
            if (!string.IsNullOrWhiteSpace(options.State))
            {
                yield return $"{Section}:State and {Section}:StateServiceKey (or a StateMultiplexer factory) are both set: set one, the connection string or the host's multiplexer.";
            }
        }
        else if (string.IsNullOrWhiteSpace(options.State))
        {
            yield return $"{Section}:State is required: the connection string of the State Redis, e.g. 'localhost:6379' (or {Section}:StateServiceKey, the key of the host's multiplexer).";
        }
        else if (ParseError(options.State) is { } stateError)
        {
            yield return $"{Section}:State is not a valid Redis connection string: {stateError}";
        }

        if (options.HostSuppliesCache && !string.IsNullOrWhiteSpace(options.Cache))
        {
            yield return $"{Section}:Cache and {Section}:CacheServiceKey (or a CacheMultiplexer factory) are both set: set one, the connection string or the host's multiplexer.";
        }
        else if (options.Cache is { Length: > 0 } cache && ParseError(cache) is { } cacheError)
        {
            yield return $"{Section}:Cache is not a valid Redis connection string: {cacheError}";
        }

        if (options.OperationTimeout <= TimeSpan.Zero || options.OperationTimeout > TimeSpan.FromSeconds(20))
        {
            yield return $"{Section}:OperationTimeout must be greater than 0 and at most 00:00:20 (it was {options.OperationTimeout}).";
        }

        if (string.IsNullOrEmpty(options.KeyPrefix) || options.KeyPrefix.Length > 32 || options.KeyPrefix.Any(c => !char.IsAsciiLetterOrDigit(c) && c is not '-' and not '_' and not '.'))
        {
            yield return $"{Section}:KeyPrefix must be 1-32 characters of letters, digits, '-', '_' or '.' (it was '{options.KeyPrefix}').";
        }

        if (options.ConnectTimeout <= TimeSpan.Zero || options.ConnectTimeout > TimeSpan.FromMinutes(1))
        {
            yield return $"{Section}:ConnectTimeout must be greater than 0 and at most 00:01:00 (it was {options.ConnectTimeout}).";
        }
    }

    private static string? ParseError(string connectionString)
    {
        try
        {
            var parsed = ConfigurationOptions.Parse(connectionString);
            return parsed.EndPoints.Count == 0 ? "it names no endpoint." : null;
        }
        catch (ArgumentException ex)
        {
            return ex.Message;
        }
    }
}
