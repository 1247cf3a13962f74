using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using OrleansRedis.Abstractions.Users;

namespace OrleansRedis.Grains.Users;

/// <summary>
/// Creates or migrates the users schema while the silo starts. A database that is down at that moment does not stop
/// the silo (cached users can still be served): the first operation that reaches the database creates the schema.
/// </summary>
public sealed partial class UserSchemaInitializer(
    IUserRepository repository,
    IOptions<DatabaseOptions> options,
    ILogger<UserSchemaInitializer> logger) : ILifecycleParticipant<ISiloLifecycle>
{
    /// <inheritdoc />
    public void Participate(ISiloLifecycle lifecycle) =>
        lifecycle.Subscribe(nameof(UserSchemaInitializer), ServiceLifecycleStage.ApplicationServices, InitializeAsync);

    private async Task InitializeAsync(CancellationToken cancellationToken)
    {
        try
        {
            await repository.InitializeAsync(cancellationToken).ConfigureAwait(false);
            LogReady(options.Value.Provider, Describe());
        }
        catch (UserException ex)
        {
            LogDeferred(options.Value.Provider, ex.Message);
        }
    }

    private string Describe() => options.Value.Provider == DatabaseProvider.Sqlite
        ? new Microsoft.Data.Sqlite.SqliteConnectionStringBuilder(options.Value.EffectiveConnectionString) is var sqlite
            ? Path.GetFullPath(sqlite.DataSource)
            : string.Empty
        : new Npgsql.NpgsqlConnectionStringBuilder(options.Value.EffectiveConnectionString) is var pg
            ? $"{pg.Host}:{pg.Port}/{pg.Database}"
            : string.Empty;

    [LoggerMessage(Level = LogLevel.Information, Message = "Users database ready: {Provider} at {Location}")]
    private partial void LogReady(DatabaseProvider provider, string location);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Users database ({Provider}) unreachable at start; the schema will be created on first use: {Reason}")]
    private partial void LogDeferred(DatabaseProvider provider, string reason);
}
