using System.Diagnostics.CodeAnalysis;
using System.Text.Json;
using OrleansRedis.Abstractions.Sessions;

namespace OrleansRedis.AspNetCore.Sessions;

/// <summary>
/// One request's <c>HttpContext.Session</c> over an anonymous OrleansRedis session, keyed by
/// <see cref="SessionIds.HashExternalKey"/> of the middleware's key. It reads the session once per request (which
/// slides its idle timeout) and commits only the keys this request changed, as one merge: two concurrent requests
/// that change different keys both keep their change, where <c>DistributedSession</c> writes the whole blob and the
/// last request wins. The session is created by the first commit that sets a value: a request that never writes
/// writes nothing to Redis. Values are stored base64 in the session's JSON, within the silo's
/// <c>Sessions:MaxDataBytes</c>. <see cref="Clear"/> removes the keys this request saw.
/// </summary>
public sealed partial class OrleansRedisSession : ISession
{
    private const int CommitAttempts = 3;

    private readonly IGrainFactory _grains;
    private readonly string _key;
    private readonly TimeSpan _idleTimeout;
    private readonly TimeSpan? _absoluteTimeout;
    private readonly TimeSpan _ioTimeout;
    private readonly Func<bool> _tryEstablishSession;
    private readonly ILogger _logger;
    private readonly Dictionary<string, byte[]> _values = new(StringComparer.Ordinal);
    private readonly Dictionary<string, byte[]?> _changes = new(StringComparer.Ordinal);
    private bool _loaded;
    private bool _exists;
    private bool _available = true;

    internal OrleansRedisSession(
        IGrainFactory grains, string key, TimeSpan idleTimeout, TimeSpan? absoluteTimeout, TimeSpan ioTimeout,
        Func<bool> tryEstablishSession, bool isNewSessionKey, ILogger logger)
    {
        _grains = grains;
        _key = key;
        _idleTimeout = idleTimeout;
        _absoluteTimeout = absoluteTimeout;
        _ioTimeout = ioTimeout;
        _tryEstablishSession = tryEstablishSession;
        _logger = logger;

        // A key the middleware just made has no session behind it: nothing to read.
        _loaded = isNewSessionKey;
    }

    /// <inheritdoc />
    public bool IsAvailable
    {
        get
        {
            Load();
            return _available;
        }
    }

    /// <inheritdoc />
    public string Id => _key;

    /// <inheritdoc />
    public IEnumerable<string> Keys
    {
        get
        {
            Load();
            return _values.Keys.Where(k => !_changes.ContainsKey(k)).Concat(_changes.Where(c => c.Value is not null).Select(c => c.Key)).ToList();
        }
    }

    private ISessionGrain Grain => _grains.GetGrain<ISessionGrain>(SessionIds.HashExternalKey(_key));

    /// <inheritdoc />
    public bool TryGetValue(string key, [NotNullWhen(true)] out byte[]? value)
    {
        Load();
        if (_changes.TryGetValue(key, out var changed))
        {
            value = changed;
            return value is not null;
        }

        return _values.TryGetValue(key, out value);
    }

    /// <inheritdoc />
    public void Set(string key, byte[] value)
    {
        ArgumentNullException.ThrowIfNull(key);
        ArgumentNullException.ThrowIfNull(value);
        if (!_tryEstablishSession())
        {
            throw new InvalidOperationException("The session cannot be established after the response has started.");
        }

        _changes[key] = value.ToArray();
    }

    /// <inheritdoc />
    public void Remove(string key) => _changes[key] = null;

    /// <inheritdoc />
    public void Clear()
    {
        Load();
        foreach (var key in _values.Keys.Concat(_changes.Keys).ToList())
        {
            _changes[key] = null;
        }
    }

    /// <inheritdoc />
    public async Task LoadAsync(CancellationToken cancellationToken = default)
    {
        if (_loaded)
        {
            return;
        }

        try
        {
            var session = await Grain.GetAsync().WaitAsync(_ioTimeout, cancellationToken).ConfigureAwait(false);
            _exists = session is not null;
            if (session is not null)
            {
                Decode(session.Data);
            }
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            throw;
        }
        catch (Exception ex)
        {
            // As DistributedSession does: the request goes on without its session, and IsAvailable says so.
            LogLoadFailed(ex);
            _available = false;
        }
        finally
        {
            _loaded = true;
        }
    }

    /// <inheritdoc />
    public async Task CommitAsync(CancellationToken cancellationToken = default)
    {
        if (_changes.Count == 0 || !_available)
        {
            return;
        }

        var grain = Grain;
        var patch = Encode(_changes);
        for (var attempt = 1; attempt <= CommitAttempts; attempt++)
        {
            if (!(_loaded && !_exists)
                && await grain.MergeDataAsync(patch).WaitAsync(_ioTimeout, cancellationToken).ConfigureAwait(false) is not null)
            {
                break;
            }

            var values = _changes.Where(c => c.Value is not null).ToDictionary(c => c.Key, c => c.Value);
            if (values.Count == 0)
            {
                // Only removals, and no session to remove them from.
                break;
            }

            try
            {
                var draft = new SessionDraft(null, Encode(values), _idleTimeout, _absoluteTimeout);
                if (await grain.CreateAsync(draft).WaitAsync(_ioTimeout, cancellationToken).ConfigureAwait(false) is not null)
                {
                    break;
                }
            }
            catch (SessionException ex) when (ex.Error == SessionError.AlreadyExists)
            {
                // A concurrent request of the same browser created it first: merge into it.
            }

            _exists = true;
        }

        _changes.Clear();
    }

    private static string Encode(Dictionary<string, byte[]?> changes) => JsonSerializer.Serialize(changes);

    private void Load()
    {
        if (!_loaded)
        {
            LoadAsync().GetAwaiter().GetResult();
        }
    }

    private void Decode(string data)
    {
        using var document = JsonDocument.Parse(data);
        foreach (var property in document.RootElement.EnumerateObject())
        {
            if (property.Value.ValueKind == JsonValueKind.String && property.Value.TryGetBytesFromBase64(out var bytes))
            {
                _values[property.Name] = bytes;
            }
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "The session could not be loaded; the request goes on without it")]
    private partial void LogLoadFailed(Exception exception);
}
