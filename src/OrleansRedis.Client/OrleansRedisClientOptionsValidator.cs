using OrleansRedis.Abstractions.Configuration;
using StackExchange.Redis;

namespace OrleansRedis.Client;

/// <summary>Validates <see cref="OrleansRedisClientOptions"/>, naming each bad setting.</summary>
public sealed class OrleansRedisClientOptionsValidator : SettingsValidator<OrleansRedisClientOptions>
{
    /// <inheritdoc />
    protected override IEnumerable<string> Check(OrleansRedisClientOptions options)
    {
        var errors = new List<string>();
        if (string.IsNullOrWhiteSpace(options.RedisState))
        {
            errors.Add("OrleansRedis:Redis:State (RedisState) is required: the connection string of the State Redis.");
        }
        else
        {
            try
            {
                ConfigurationOptions.Parse(options.RedisState);
            }
            catch (ArgumentException ex)
            {
                errors.Add($"OrleansRedis:Redis:State (RedisState) is not a valid Redis connection string: {ex.Message}");
            }
        }

        if (string.IsNullOrWhiteSpace(options.ClusterId))
        {
            errors.Add("OrleansRedis:Cluster:ClusterId is required.");
        }

        if (string.IsNullOrWhiteSpace(options.ServiceId))
        {
            errors.Add("OrleansRedis:Cluster:ServiceId is required.");
        }

        if (options.ResponseTimeout <= TimeSpan.Zero)
        {
            errors.Add($"OrleansRedis:Client:ResponseTimeout must be positive (it was {options.ResponseTimeout}).");
        }

        if (options.GatewayListRefreshPeriod <= TimeSpan.Zero)
        {
            errors.Add($"OrleansRedis:Client:GatewayListRefreshPeriod must be positive (it was {options.GatewayListRefreshPeriod}).");
        }

        return errors;
    }
}
