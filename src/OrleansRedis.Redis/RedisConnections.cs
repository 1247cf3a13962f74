using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using StackExchange.Redis;

namespace OrleansRedis.Redis;

/// <summary>
/// The process's Redis connections: one multiplexer per role, shared by the grains and by Orleans' clustering and
/// storage providers. A multiplexer is thread-safe and pipelines every caller over one socket, so a pool of
/// connections would only add sockets, not throughput.
/// </summary>
public sealed partial class RedisConnections : IAsyncDisposable
{
    private readonly Lazy<ConnectionMultiplexer> _state;
    private readonly Lazy<ConnectionMultiplexer>? _cache;
    private readonly ILogger<RedisConnections> _logger;

    public RedisConnections(IOptions<RedisOptions> options, ILogger<RedisConnections> logger)
    {
        _logger = logger;
        var value = options.Value;
        StateConfiguration = CreateConfiguration(value.State, value, "state");
        _state = new Lazy<ConnectionMultiplexer>(() => Connect(StateConfiguration, "State"));
        if (value.Cache is { Length: > 0 } cache && cache != value.State)
        {
            CacheConfiguration = CreateConfiguration(cache, value, "cache");
            _cache = new Lazy<ConnectionMultiplexer>(() => Connect(CacheConfiguration, "Cache"));
        }
        else
        {
            CacheConfiguration = StateConfiguration;
        }
    }

    /// <summary>Gets the connection settings of the State role (also handed to Orleans' providers).</summary>
    public ConfigurationOptions StateConfiguration { get; }

    /// <summary>Gets the connection settings of the Cache role; the State settings when no cache is configured.</summary>
    public ConfigurationOptions CacheConfiguration { get; }

    /// <summary>Gets the State multiplexer, connecting on first use.</summary>
    public IConnectionMultiplexer State => _state.Value;

    /// <summary>Gets the Cache multiplexer; the State multiplexer when no separate cache is configured.</summary>
    public IConnectionMultiplexer Cache => _cache?.Value ?? _state.Value;

    /// <summary>Gets whether the Cache role has its own Redis.</summary>
    public bool HasSeparateCache => _cache is not null;

    /// <summary>
    /// Builds the StackExchange.Redis settings for one role: never abort on a failed first connect (a silo that starts
    /// before Redis must keep retrying, not crash), and bound every command by the configured timeout.
    /// </summary>
    public static ConfigurationOptions CreateConfiguration(string connectionString, RedisOptions options, string role)
    {
        var configuration = ConfigurationOptions.Parse(connectionString);
        configuration.AbortOnConnectFail = false;
        configuration.SyncTimeout = (int)options.OperationTimeout.TotalMilliseconds;
        configuration.AsyncTimeout = (int)options.OperationTimeout.TotalMilliseconds;
        configuration.ConnectTimeout = (int)options.ConnectTimeout.TotalMilliseconds;
        configuration.ClientName ??= $"orleansredis-{role}-{Environment.MachineName}";
        return configuration;
    }

    /// <inheritdoc />
    public async ValueTask DisposeAsync()
    {
        if (_state.IsValueCreated)
        {
            await _state.Value.DisposeAsync().ConfigureAwait(false);
        }

        if (_cache is { IsValueCreated: true })
        {
            await _cache.Value.DisposeAsync().ConfigureAwait(false);
        }
    }

    private ConnectionMultiplexer Connect(ConfigurationOptions configuration, string role)
    {
        var multiplexer = ConnectionMultiplexer.Connect(configuration);
        LogConnecting(role, string.Join(",", configuration.EndPoints), multiplexer.IsConnected);
        multiplexer.ConnectionFailed += (_, e) => LogConnectionFailed(role, e.EndPoint?.ToString(), e.FailureType);
        multiplexer.ConnectionRestored += (_, e) => LogConnectionRestored(role, e.EndPoint?.ToString());
        return multiplexer;
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Redis {Role} multiplexer created for {Endpoints}; connected: {Connected}")]
    private partial void LogConnecting(string role, string endpoints, bool connected);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Redis {Role} connection to {Endpoint} failed: {FailureType}")]
    private partial void LogConnectionFailed(string role, string? endpoint, ConnectionFailureType failureType);

    [LoggerMessage(Level = LogLevel.Information, Message = "Redis {Role} connection to {Endpoint} restored")]
    private partial void LogConnectionRestored(string role, string? endpoint);
}
