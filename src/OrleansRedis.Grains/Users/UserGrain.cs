using System.Text.Json;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Orleans.Concurrency;
using OrleansRedis.Abstractions.Users;
using OrleansRedis.Redis.Users;
using StackExchange.Redis;
using OrleansRedis.Abstractions.Diagnostics;

namespace OrleansRedis.Grains.Users;

/// <summary>
/// Cache-aside for one user; see <see cref="IUserGrain"/>. Reentrant so that reads never wait behind a slow database
/// write; concurrent reads of a cold user share one in-flight load instead, which makes this activation the single
/// database loader for its user across the cluster. Every copy it keeps or writes (memory, Redis) is compared by
/// version, so a load that raced a write can never put the older version back.
/// </summary>
[Reentrant]
[GrainType("user")]
public sealed partial class UserGrain(
    IUserRepository repository,
    UserCacheStore cache,
    IOptions<UsersOptions> options,
    UsersMetrics metrics,
    TimeProvider time,
    ILogger<UserGrain> logger) : Grain, IUserGrain
{
    /// <summary>After a failed database load, reads of this user wait this long before trying the database again.</summary>
    public static readonly TimeSpan DatabaseRetryInterval = TimeSpan.FromSeconds(1);

    private static readonly TimeSpan CacheRepairInterval = TimeSpan.FromSeconds(1);

    private readonly UsersOptions _options = options.Value;
    private CacheEntry? _memory;
    private Task<Loaded>? _load;
    private DateTimeOffset _databaseRetryAt;
    private IGrainTimer? _cacheRepair;

    private string Id => this.GetPrimaryKeyString();

    /// <inheritdoc />
    public Task<UserReadResult> GetAsync() =>
        OrleansRedisActivitySources.Run(UserTracing.Start("user.get"), GetCoreAsync(), UserTracing.Read);

    private async Task<UserReadResult> GetCoreAsync()
    {
        UserLimits.ThrowIfInvalid(Id);
        if (Fresh() is { } hit)
        {
            return Served(new UserReadResult(hit.User, UserSource.Memory, Stale: false));
        }

        var load = _load;
        if (load is null)
        {
            load = LoadAsync();
            if (!load.IsCompleted)
            {
                _load = load;
            }
        }

        Loaded loaded;
        try
        {
            loaded = await load;
        }
        finally
        {
            if (ReferenceEquals(_load, load))
            {
                _load = null;
            }
        }

        // A write that committed while the load was in flight is newer than what the load found.
        if (Fresh() is { } newer && newer.Version > loaded.Version)
        {
            return Served(new UserReadResult(newer.User, UserSource.Memory, Stale: false));
        }

        return Served(loaded.Result);
    }

    /// <inheritdoc />
    public Task<UserRecord> CreateAsync(string name, string email) =>
        OrleansRedisActivitySources.Run(UserTracing.Start("user.create"), CreateCoreAsync(name, email));

    private async Task<UserRecord> CreateCoreAsync(string name, string email)
    {
        UserLimits.ThrowIfInvalid(Id, name, email, checkFields: true);
        var created = await WriteDatabaseAsync(() => repository.CreateAsync(Id, name, email, time.GetUtcNow(), CancellationToken.None));
        await PublishAsync(NewEntry(created, created.Version));
        return created;
    }

    /// <inheritdoc />
    public Task<UserRecord> UpdateAsync(string name, string email, long expectedVersion) =>
        OrleansRedisActivitySources.Run(UserTracing.Start("user.update"), UpdateCoreAsync(name, email, expectedVersion));

    private async Task<UserRecord> UpdateCoreAsync(string name, string email, long expectedVersion)
    {
        UserLimits.ThrowIfInvalid(Id, name, email, checkFields: true);
        var updated = await WriteDatabaseAsync(() =>
            repository.UpdateAsync(Id, name, email, expectedVersion, time.GetUtcNow(), CancellationToken.None));
        await PublishAsync(NewEntry(updated, updated.Version));
        return updated;
    }

    /// <inheritdoc />
    public Task DeleteAsync(long? expectedVersion = null) =>
        OrleansRedisActivitySources.Run(UserTracing.Start("user.delete"), DeleteCoreAsync(expectedVersion));

    private async Task DeleteCoreAsync(long? expectedVersion = null)
    {
        UserLimits.ThrowIfInvalid(Id);
        var tombstone = await WriteDatabaseAsync(() =>
            repository.DeleteAsync(Id, expectedVersion, time.GetUtcNow(), CancellationToken.None));
        await PublishAsync(NewEntry(null, tombstone));
    }

    private async Task<Loaded> LoadAsync()
    {
        if (await ReadCacheAsync() is { } cached)
        {
            Remember(cached);
            return new Loaded(new UserReadResult(cached.User, UserSource.Redis, Stale: false), cached.Version);
        }

        if (time.GetUtcNow() < _databaseRetryAt)
        {
            return StaleOrThrow("it failed a moment ago");
        }

        UserLookup found;
        try
        {
            found = await repository.GetAsync(Id, CancellationToken.None);
        }
        catch (UserException ex) when (ex.Code == UserErrorCode.DatabaseUnavailable)
        {
            _databaseRetryAt = time.GetUtcNow() + DatabaseRetryInterval;
            LogDatabaseUnavailable(Id, ex.Message);
            return StaleOrThrow(ex.Message);
        }

        _databaseRetryAt = default;
        var entry = NewEntry(found.User, found.Version);
        Remember(entry);
        await WriteCacheAsync(entry);
        return new Loaded(new UserReadResult(found.User, UserSource.Database, Stale: false), found.Version);
    }

    private Loaded StaleOrThrow(string reason)
    {
        if (_options.ServeStaleOnDatabaseFailure && _memory is { } last)
        {
            return new Loaded(new UserReadResult(last.User, UserSource.Memory, Stale: true), last.Version);
        }

        throw new UserException(UserErrorCode.DatabaseUnavailable,
            $"User '{Id}' is not cached and the database is unavailable: {reason}");
    }

    private async Task<T> WriteDatabaseAsync<T>(Func<Task<T>> write)
    {
        try
        {
            return await write();
        }
        catch (UserException ex) when (ex.Code == UserErrorCode.DatabaseUnavailable)
        {
            LogDatabaseUnavailable(Id, ex.Message);
            // The provider's exception stays in the log: callers get the reason, not a driver type they cannot load.
            throw new UserException(ex.Code, ex.Message);
        }
        catch (UserException ex) when (ex.CurrentVersion != _memory?.Version)
        {
            // The database disagrees with this activation's copy (changed behind the grain's back): forget the copy.
            _memory = null;
            throw;
        }
    }

    private async Task PublishAsync(CacheEntry entry)
    {
        Remember(entry);
        if (!await WriteCacheAsync(entry) && _cacheRepair is null)
        {
            // The database has the new version but Redis may still hold the old one: keep trying until it takes the new
            // one (a version-compared write, so a retry can never clobber anything newer).
            _cacheRepair = this.RegisterGrainTimer(static (grain, _) => grain.RepairCacheAsync(), this, new GrainTimerCreationOptions
            {
                DueTime = CacheRepairInterval,
                Period = CacheRepairInterval,
                Interleave = true,
                KeepAlive = true,
            });
        }
    }

    private async Task RepairCacheAsync()
    {
        if (_memory is not { } entry)
        {
            return;
        }

        var remaining = entry.ExpiresAt - time.GetUtcNow();
        var repaired = entry with { ExpiresAt = time.GetUtcNow() + (remaining > _options.NegativeCacheTtl ? remaining : _options.NegativeCacheTtl) };
        if (await WriteCacheAsync(repaired))
        {
            LogCacheRepaired(Id, entry.Version);
            _cacheRepair?.Dispose();
            _cacheRepair = null;
        }
    }

    private CacheEntry? Fresh() => _memory is { } entry && entry.ExpiresAt > time.GetUtcNow() ? entry : null;

    private void Remember(CacheEntry entry)
    {
        // An expired copy gives way to anything loaded (even an older version after a database restore); a live copy
        // only to the same or a newer version, so a slow load can never replace what a write just put here.
        if (_memory is not { } current || current.ExpiresAt <= time.GetUtcNow() || entry.Version >= current.Version)
        {
            _memory = entry;
        }
    }

    private CacheEntry NewEntry(UserRecord? user, long version)
    {
        var ttl = user is null
            ? _options.NegativeCacheTtl
            : _options.CacheTtl + TimeSpan.FromMilliseconds(Random.Shared.NextDouble() * _options.CacheTtlJitter.TotalMilliseconds);
        return new CacheEntry(user, version, time.GetUtcNow() + ttl);
    }

    private async Task<CacheEntry?> ReadCacheAsync()
    {
        try
        {
            if (await cache.ReadAsync(Id) is not { } cached || cached.TimeToLive <= TimeSpan.Zero)
            {
                return null;
            }

            var expiresAt = time.GetUtcNow() + cached.TimeToLive;
            if (cached.Payload is null)
            {
                return new CacheEntry(null, cached.Version, expiresAt);
            }

            var payload = JsonSerializer.Deserialize(cached.Payload, UserCacheJsonContext.Default.UserCachePayload)
                ?? throw new JsonException("The cached payload is null.");
            var user = new UserRecord(Id, payload.Name, payload.Email, cached.Version, DateTimeOffset.FromUnixTimeMilliseconds(payload.UpdatedAtMs));
            return new CacheEntry(user, cached.Version, expiresAt);
        }
        catch (Exception ex) when (ex is RedisException or TimeoutException)
        {
            metrics.CacheError("read");
            LogCacheFailed(Id, "read", ex.Message);
            return null;
        }
        catch (JsonException ex)
        {
            // An unreadable entry (say, written by an incompatible build) counts as a miss until it expires.
            metrics.CacheError("read");
            LogCacheFailed(Id, "decode", ex.Message);
            return null;
        }
    }

    private async Task<bool> WriteCacheAsync(CacheEntry entry)
    {
        var payload = entry.User is { } user
            ? JsonSerializer.Serialize(new UserCachePayload(user.Name, user.Email, user.UpdatedAtUtc.ToUnixTimeMilliseconds()), UserCacheJsonContext.Default.UserCachePayload)
            : null;
        try
        {
            await cache.SetIfNewerAsync(Id, entry.Version, payload, entry.ExpiresAt - time.GetUtcNow());
            return true;
        }
        catch (Exception ex) when (ex is RedisException or TimeoutException)
        {
            metrics.CacheError("write");
            LogCacheFailed(Id, "write", ex.Message);
            return false;
        }
    }

    private UserReadResult Served(UserReadResult result)
    {
        metrics.Read(result.Source, result.User is not null, result.Stale);
        return result;
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "User {UserId}: the database is unavailable: {Reason}")]
    private partial void LogDatabaseUnavailable(string userId, string reason);

    [LoggerMessage(Level = LogLevel.Warning, Message = "User {UserId}: Cache Redis {Operation} failed and was skipped: {Reason}")]
    private partial void LogCacheFailed(string userId, string operation, string reason);

    [LoggerMessage(Level = LogLevel.Information, Message = "User {UserId}: Cache Redis now holds version {Version} again")]
    private partial void LogCacheRepaired(string userId, long version);

    /// <summary>A copy of the user (or of its absence) and until when it may be served.</summary>
    private sealed record CacheEntry(UserRecord? User, long Version, DateTimeOffset ExpiresAt);

    /// <summary>The outcome of one load, shared by every read that joined it.</summary>
    private sealed record Loaded(UserReadResult Result, long Version);
}
