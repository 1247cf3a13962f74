using System.Collections.Concurrent;
using Microsoft.Extensions.Options;
using OrleansRedis.Abstractions.Users;

namespace OrleansRedis.Client.Users;

/// <summary>
/// An opt-in, in-process copy of users in front of <see cref="IUserGrain.GetAsync"/>, for apps that accept bounded
/// staleness: like HybridCache's local cache, but the user grain stays the single loader for the whole cluster.
/// A read younger than <see cref="UserNearCacheOptions.NearCacheTtl"/> is answered from memory (about a microsecond,
/// no network hop); older ones ask the grain again. Concurrent misses of one id in this process share one grain call.
/// "No such user" is cached the same way. Writes made through <see cref="CreateAsync"/>, <see cref="UpdateAsync"/>
/// and <see cref="DeleteAsync"/> replace the local copy, so this process reads its own writes at once; writes made
/// elsewhere are seen here within <see cref="UserNearCacheOptions.NearCacheTtl"/>.
/// </summary>
public sealed class UserNearCache(IGrainFactory grains, IOptions<UserNearCacheOptions> options, TimeProvider time)
{
    private readonly ConcurrentDictionary<string, Entry> _entries = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, Lazy<Task<UserReadResult>>> _loads = new(StringComparer.Ordinal);
    private readonly Lock _evictionLock = new();
    private readonly long _ttlTicks = (long)(options.Value.NearCacheTtl.TotalSeconds * time.TimestampFrequency);
    private readonly int _maxEntries = options.Value.MaxEntries;

    // Orders local writes after grain reads: a read that started before a local write (or Invalidate) must not put
    // its possibly older answer over the write's entry. Every write stores an entry stamped with a new sequence
    // number; a read stores its answer only over entries stamped no later than the sequence it saw when it started.
    private long _sequence;
    private long _grainReads;

    /// <summary>Creates a near cache without dependency injection.</summary>
    /// <exception cref="OptionsValidationException">When <paramref name="options"/> are invalid.</exception>
    public static UserNearCache Create(IGrainFactory grains, UserNearCacheOptions? options = null, TimeProvider? time = null)
    {
        var value = options ?? new UserNearCacheOptions();
        var errors = UserNearCacheOptionsValidator.Errors(value).ToList();
        if (errors.Count > 0)
        {
            throw new OptionsValidationException(nameof(UserNearCacheOptions), typeof(UserNearCacheOptions), errors);
        }

        return new UserNearCache(grains, Options.Create(value), time ?? TimeProvider.System);
    }

    /// <summary>Gets how many user ids (found or not, expired or not) the near cache holds.</summary>
    public int Count => _entries.Count;

    /// <summary>Gets how many <see cref="IUserGrain.GetAsync"/> calls this near cache has made (its misses, after sharing).</summary>
    public long GrainReads => Interlocked.Read(ref _grainReads);

    /// <summary>
    /// Reads user <paramref name="userId"/>: from this process's memory when a copy younger than
    /// <see cref="UserNearCacheOptions.NearCacheTtl"/> exists, otherwise from the user grain (one call shared by every
    /// concurrent reader of the id in this process).
    /// </summary>
    /// <param name="userId">The user id.</param>
    /// <param name="cancellationToken">Stops waiting; a grain call shared with other readers carries on for them.</param>
    /// <exception cref="ArgumentException">When <paramref name="userId"/> is not a valid user id.</exception>
    /// <exception cref="UserException"><see cref="UserErrorCode.DatabaseUnavailable"/> as from the grain.</exception>
    public async Task<NearCachedUser> GetAsync(string userId, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(userId);
        if (_ttlTicks <= 0)
        {
            UserLimits.ThrowIfInvalid(userId);
            Interlocked.Increment(ref _grainReads);
            return new NearCachedUser(await grains.GetGrain<IUserGrain>(userId).GetAsync().WaitAsync(cancellationToken).ConfigureAwait(false), false);
        }

        if (_entries.TryGetValue(userId, out var entry) && entry.Hit is { } hit && time.GetTimestamp() < entry.ExpiresAt)
        {
            return hit;
        }

        UserLimits.ThrowIfInvalid(userId);
        var load = _loads.GetOrAdd(userId, static (id, self) => new Lazy<Task<UserReadResult>>(() => self.LoadAsync(id)), this);
        var result = await load.Value.WaitAsync(cancellationToken).ConfigureAwait(false);
        return new NearCachedUser(result, false);
    }

    /// <summary>Creates the user through the grain (<see cref="IUserGrain.CreateAsync"/>) and keeps it as this process's copy.</summary>
    /// <param name="userId">The user id.</param>
    /// <param name="name">The display name.</param>
    /// <param name="email">The e-mail address.</param>
    /// <returns>The user as stored.</returns>
    /// <exception cref="UserException">As from the grain; this process's copy is dropped then.</exception>
    public async Task<UserRecord> CreateAsync(string userId, string name, string email) =>
        (await WriteAsync(userId, async grain => (UserRecord?)await grain.CreateAsync(name, email).ConfigureAwait(false)).ConfigureAwait(false))!;

    /// <summary>Updates the user through the grain (<see cref="IUserGrain.UpdateAsync"/>) and keeps the new version as this process's copy.</summary>
    /// <param name="userId">The user id.</param>
    /// <param name="name">The new display name.</param>
    /// <param name="email">The new e-mail address.</param>
    /// <param name="expectedVersion">The version the caller read.</param>
    /// <returns>The user as stored, with the next version.</returns>
    /// <exception cref="UserException">As from the grain; this process's copy is dropped then.</exception>
    public async Task<UserRecord> UpdateAsync(string userId, string name, string email, long expectedVersion) =>
        (await WriteAsync(userId, async grain => (UserRecord?)await grain.UpdateAsync(name, email, expectedVersion).ConfigureAwait(false)).ConfigureAwait(false))!;

    /// <summary>Deletes the user through the grain (<see cref="IUserGrain.DeleteAsync"/>) and keeps "no such user" as this process's copy.</summary>
    /// <param name="userId">The user id.</param>
    /// <param name="expectedVersion">The version the caller read, or <see langword="null"/> to delete whatever is there.</param>
    /// <returns>A task that completes when the grain has deleted the user.</returns>
    /// <exception cref="UserException">As from the grain; this process's copy is dropped then.</exception>
    public Task DeleteAsync(string userId, long? expectedVersion = null) =>
        WriteAsync(userId, async grain =>
        {
            await grain.DeleteAsync(expectedVersion).ConfigureAwait(false);
            return null;
        });

    /// <summary>
    /// Drops this process's copy of <paramref name="userId"/> (and detaches any grain read in flight), so the next read
    /// asks the grain. Call it when this process learns of a change made elsewhere.
    /// </summary>
    public void Invalidate(string userId)
    {
        ArgumentNullException.ThrowIfNull(userId);
        if (_ttlTicks <= 0)
        {
            return;
        }

        // An expired fence rather than a removal: a read that started earlier cannot store its older answer over it.
        Store(userId, null, long.MinValue, Interlocked.Increment(ref _sequence), overwrite: true);
        _loads.TryRemove(userId, out _);
    }

    /// <summary>Drops every copy.</summary>
    public void Clear()
    {
        Interlocked.Increment(ref _sequence);
        _loads.Clear();
        _entries.Clear();
    }

    private async Task<UserRecord?> WriteAsync(string userId, Func<IUserGrain, Task<UserRecord?>> write)
    {
        UserLimits.ThrowIfInvalid(userId);
        var started = time.GetTimestamp();
        UserRecord? record;
        try
        {
            record = await write(grains.GetGrain<IUserGrain>(userId)).ConfigureAwait(false);
        }
        catch
        {
            // A conflict or a failure leaves this process's copy in doubt: the next read asks the grain.
            Invalidate(userId);
            throw;
        }

        if (_ttlTicks > 0)
        {
            var result = new UserReadResult(record, UserSource.Database, Stale: false);
            Store(userId, result, started + _ttlTicks, Interlocked.Increment(ref _sequence), overwrite: true);
            _loads.TryRemove(userId, out _);
        }

        return record;
    }

    private async Task<UserReadResult> LoadAsync(string userId)
    {
        var sequence = Interlocked.Read(ref _sequence);
        var started = time.GetTimestamp();
        try
        {
            Interlocked.Increment(ref _grainReads);
            var result = await grains.GetGrain<IUserGrain>(userId).GetAsync().ConfigureAwait(false);
            if (!result.Stale)
            {
                // The answer was current when the call started at the latest: its age counts from there.
                Store(userId, result, started + _ttlTicks, sequence, overwrite: false);
            }

            return result;
        }
        finally
        {
            // Failures are not cached: the next reader tries again.
            _loads.TryRemove(userId, out _);
        }
    }

    private void Store(string userId, UserReadResult? result, long expiresAt, long sequence, bool overwrite)
    {
        if (!_entries.ContainsKey(userId) && _entries.Count >= _maxEntries)
        {
            Evict();
        }

        var entry = new Entry(result is null ? null : new NearCachedUser(result, true), expiresAt, sequence);
        if (overwrite)
        {
            _entries[userId] = entry;
            return;
        }

        _entries.AddOrUpdate(userId, static (_, added) => added, static (_, existing, added) => existing.Sequence > added.Sequence ? existing : added, entry);
    }

    private void Evict()
    {
        if (!_evictionLock.TryEnter())
        {
            return; // another thread is making room
        }

        try
        {
            var now = time.GetTimestamp();
            foreach (var (id, entry) in _entries)
            {
                if (entry.ExpiresAt <= now)
                {
                    _entries.TryRemove(new KeyValuePair<string, Entry>(id, entry));
                }
            }

            var keep = _maxEntries / 2;
            var count = _entries.Count;
            foreach (var (id, entry) in _entries)
            {
                if (count <= keep)
                {
                    break;
                }

                if (_entries.TryRemove(new KeyValuePair<string, Entry>(id, entry)))
                {
                    count--;
                }
            }
        }
        finally
        {
            _evictionLock.Exit();
        }
    }

    /// <summary>One copy: the answer to hand out (null for an <see cref="Invalidate"/> fence), its expiry and its write order.</summary>
    private sealed record Entry(NearCachedUser? Hit, long ExpiresAt, long Sequence);
}
