using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using StackExchange.Redis;

namespace OrleansRedis.Redis;

/// <summary>
/// The process's Redis connections: one multiplexer per role, shared by the grains and by Orleans' clustering and
/// storage providers. A multiplexer is thread-safe and pipelines every caller over one socket, so a pool of
/// connections would only add sockets, not throughput. A host that already has a multiplexer hands it in
/// (<see cref="RedisOptions.StateServiceKey"/>, <see cref="RedisOptions.StateMultiplexer"/>); it is used as is and
/// never disposed here.
/// </summary>
public sealed partial class RedisConnections : IAsyncDisposable
{
    private readonly Role _state;
    private readonly Role? _cache;
    private readonly ILogger<RedisConnections> _logger;

    public RedisConnections(IOptions<RedisOptions> options, ILogger<RedisConnections> logger)
        : this(options, logger, EmptyServices.Instance)
    {
    }

    [ActivatorUtilitiesConstructor]
    public RedisConnections(IOptions<RedisOptions> options, ILogger<RedisConnections> logger, IServiceProvider services)
    {
        _logger = logger;
        var value = options.Value;
        _state = new Role(this, "State", value, value.State, HostMultiplexer(value.StateMultiplexer, value.StateServiceKey, services), HostAdmin(value.StateAdminMultiplexer, services));
        var cacheSupplied = HostMultiplexer(value.CacheMultiplexer, value.CacheServiceKey, services);
        if (cacheSupplied is not null || (value.Cache is { Length: > 0 } cache && cache != value.State))
        {
            _cache = new Role(this, "Cache", value, value.Cache ?? string.Empty, cacheSupplied, HostAdmin(value.CacheAdminMultiplexer, services));
        }
    }

    /// <summary>Gets the connection settings of the State role (also handed to Orleans' providers).</summary>
    public ConfigurationOptions StateConfiguration => _state.Configuration;

    /// <summary>Gets the connection settings of the Cache role; the State settings when no cache is configured.</summary>
    public ConfigurationOptions CacheConfiguration => (_cache ?? _state).Configuration;

    /// <summary>Gets the State multiplexer, connecting (or asking the host) on first use.</summary>
    public IConnectionMultiplexer State => _state.Multiplexer;

    /// <summary>Gets the Cache multiplexer; the State multiplexer when no separate cache is configured.</summary>
    public IConnectionMultiplexer Cache => (_cache ?? _state).Multiplexer;

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

    /// <summary>
    /// Gets the host's admin-enabled multiplexer for the State role (<paramref name="cache"/> false) or the Cache role:
    /// the one handed in for admin work, else the host's role multiplexer when it allows admin commands, else
    /// <see langword="null"/> (the operations endpoints then open their own). Never disposed here.
    /// </summary>
    internal IConnectionMultiplexer? HostAdminMultiplexer(bool cache) => (cache ? _cache ?? _state : _state).HostAdmin;

    /// <inheritdoc />
    public async ValueTask DisposeAsync()
    {
        await _state.DisposeAsync().ConfigureAwait(false);
        if (_cache is not null)
        {
            await _cache.DisposeAsync().ConfigureAwait(false);
        }
    }

    private static Lazy<IConnectionMultiplexer>? HostMultiplexer(
        Func<IServiceProvider, IConnectionMultiplexer>? factory, string? serviceKey, IServiceProvider services)
    {
        if (factory is not null)
        {
            return new(() => factory(services));
        }

        return string.IsNullOrEmpty(serviceKey)
            ? null
            : new(() => services.GetRequiredKeyedService<IConnectionMultiplexer>(serviceKey));
    }

    private static Lazy<IConnectionMultiplexer>? HostAdmin(Func<IServiceProvider, IConnectionMultiplexer>? factory, IServiceProvider services) =>
        factory is null ? null : new(() => factory(services));

    private ConnectionMultiplexer Connect(ConfigurationOptions configuration, string role)
    {
        var multiplexer = ConnectionMultiplexer.Connect(configuration);
        LogConnecting(role, string.Join(",", configuration.EndPoints), multiplexer.IsConnected);
        multiplexer.ConnectionFailed += (_, e) => LogConnectionFailed(role, e.EndPoint?.ToString(), e.FailureType);
        multiplexer.ConnectionRestored += (_, e) => LogConnectionRestored(role, e.EndPoint?.ToString());
        return multiplexer;
    }

    private IConnectionMultiplexer Adopt(IConnectionMultiplexer multiplexer, string role, TimeSpan operationTimeout)
    {
        var configuration = ConfigurationOptions.Parse(multiplexer.Configuration);
        LogSupplied(role, string.Join(",", configuration.EndPoints));
        if (configuration.AsyncTimeout > operationTimeout.TotalMilliseconds)
        {
            LogSlowSupplied(role, configuration.AsyncTimeout, operationTimeout);
        }

        return multiplexer;
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Redis {Role} multiplexer created for {Endpoints}; connected: {Connected}")]
    private partial void LogConnecting(string role, string endpoints, bool connected);

    [LoggerMessage(Level = LogLevel.Information, Message = "Redis {Role} uses the host's multiplexer for {Endpoints}")]
    private partial void LogSupplied(string role, string endpoints);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Redis {Role}: the host's multiplexer waits up to {AsyncTimeoutMs} ms per command, longer than OrleansRedis:Redis:OperationTimeout ({OperationTimeout}); a Redis outage will answer more slowly")]
    private partial void LogSlowSupplied(string role, int asyncTimeoutMs, TimeSpan operationTimeout);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Redis {Role} connection to {Endpoint} failed: {FailureType}")]
    private partial void LogConnectionFailed(string role, string? endpoint, ConnectionFailureType failureType);

    [LoggerMessage(Level = LogLevel.Information, Message = "Redis {Role} connection to {Endpoint} restored")]
    private partial void LogConnectionRestored(string role, string? endpoint);

    /// <summary>One role: its own connection (created on first use, disposed here) or the host's multiplexer.</summary>
    private sealed class Role : IAsyncDisposable
    {
        private readonly Lazy<IConnectionMultiplexer> _multiplexer;
        private readonly Lazy<ConfigurationOptions> _configuration;
        private readonly bool _owned;
        private readonly Lazy<IConnectionMultiplexer>? _hostAdmin;

        public Role(
            RedisConnections owner, string name, RedisOptions options, string connectionString, Lazy<IConnectionMultiplexer>? supplied, Lazy<IConnectionMultiplexer>? hostAdmin)
        {
            _owned = supplied is null;
            _hostAdmin = hostAdmin;
            if (supplied is null)
            {
                var configuration = CreateConfiguration(connectionString, options, name.ToLowerInvariant());
                _configuration = new(configuration);
                _multiplexer = new(() => owner.Connect(configuration, name));
            }
            else
            {
                _multiplexer = new(() => owner.Adopt(supplied.Value, name, options.OperationTimeout));

                // Orleans' providers insist on ConfigurationOptions even when handed a multiplexer; admin connections
                // clone it.
                _configuration = new(() => ConfigurationOptions.Parse(_multiplexer.Value.Configuration));
            }
        }

        public IConnectionMultiplexer Multiplexer => _multiplexer.Value;

        public ConfigurationOptions Configuration => _configuration.Value;

        // The host's own multiplexer already allows admin commands: reuse it, with its TLS callbacks and credentials,
        // rather than a clone of its text form, which would lose them.
        public IConnectionMultiplexer? HostAdmin =>
            _hostAdmin?.Value ?? (!_owned && Configuration.AllowAdmin ? Multiplexer : null);

        public async ValueTask DisposeAsync()
        {
            if (_owned && _multiplexer.IsValueCreated)
            {
                await _multiplexer.Value.DisposeAsync().ConfigureAwait(false);
            }
        }
    }

    private sealed class EmptyServices : IServiceProvider
    {
        public static readonly EmptyServices Instance = new();

        public object? GetService(Type serviceType) => null;
    }
}
