using System.Diagnostics;
using OrleansRedis.Abstractions.Users;

namespace OrleansRedis.Grains.Users;

/// <summary>Counts and times every database operation of the repository it wraps.</summary>
public sealed class MeteredUserRepository(IUserRepository inner, UsersMetrics metrics) : IUserRepository, IAsyncDisposable
{
    /// <summary>Gets the wrapped repository.</summary>
    public IUserRepository Inner => inner;

    /// <inheritdoc />
    public ValueTask DisposeAsync() => inner is IAsyncDisposable disposable ? disposable.DisposeAsync() : ValueTask.CompletedTask;

    /// <inheritdoc />
    public Task InitializeAsync(CancellationToken cancellationToken) =>
        MeasureAsync("initialize", async () =>
        {
            await inner.InitializeAsync(cancellationToken).ConfigureAwait(false);
            return true;
        });

    /// <inheritdoc />
    public Task<UserLookup> GetAsync(string id, CancellationToken cancellationToken) =>
        MeasureAsync("get", () => inner.GetAsync(id, cancellationToken));

    /// <inheritdoc />
    public Task<UserRecord> CreateAsync(string id, string name, string email, DateTimeOffset now, CancellationToken cancellationToken) =>
        MeasureAsync("create", () => inner.CreateAsync(id, name, email, now, cancellationToken));

    /// <inheritdoc />
    public Task<UserRecord> UpdateAsync(string id, string name, string email, long expectedVersion, DateTimeOffset now, CancellationToken cancellationToken) =>
        MeasureAsync("update", () => inner.UpdateAsync(id, name, email, expectedVersion, now, cancellationToken));

    /// <inheritdoc />
    public Task<long> DeleteAsync(string id, long? expectedVersion, DateTimeOffset now, CancellationToken cancellationToken) =>
        MeasureAsync("delete", () => inner.DeleteAsync(id, expectedVersion, now, cancellationToken));

    private async Task<T> MeasureAsync<T>(string operation, Func<Task<T>> work)
    {
        var started = Stopwatch.GetTimestamp();
        var outcome = "error";
        try
        {
            var result = await work().ConfigureAwait(false);
            outcome = "ok";
            return result;
        }
        catch (UserException ex) when (ex.Code != UserErrorCode.DatabaseUnavailable)
        {
            outcome = "rejected";
            throw;
        }
        finally
        {
            metrics.Query(operation, outcome, Stopwatch.GetElapsedTime(started));
        }
    }
}
