using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Options;
using OrleansRedis.Abstractions.Configuration;
using Npgsql;

namespace OrleansRedis.Grains.Users;

/// <summary>Validates <see cref="DatabaseOptions"/> with messages that name the setting (and never echo the secret).</summary>
public sealed class DatabaseOptionsValidator : SettingsValidator<DatabaseOptions>
{
    /// <inheritdoc />
    protected override IEnumerable<string> Check(DatabaseOptions options) => Errors(options);

    /// <summary>Lists every problem in <paramref name="options"/>, each naming its setting.</summary>
    public static IEnumerable<string> Errors(DatabaseOptions options)
    {
        const string Section = DatabaseOptions.SectionName;
        if (!Enum.IsDefined(options.Provider))
        {
            yield return $"{Section}:Provider must be 'Sqlite' or 'Postgres' (it was '{options.Provider}').";
            yield break;
        }

        if (options.OperationTimeout <= TimeSpan.Zero || options.OperationTimeout > TimeSpan.FromSeconds(20))
        {
            yield return $"{Section}:OperationTimeout must be greater than 0 and at most 00:00:20 (it was {options.OperationTimeout}).";
        }

        if (ConnectionStringError(options) is { } error)
        {
            yield return $"{Section}:ConnectionString {error}";
        }
    }

    private static string? ConnectionStringError(DatabaseOptions options)
    {
        var connectionString = options.EffectiveConnectionString;
        if (string.IsNullOrWhiteSpace(connectionString))
        {
            return "is required for the Postgres provider, e.g. 'Host=db;Username=app;Password=...;Database=app'.";
        }

        try
        {
            if (options.Provider == DatabaseProvider.Sqlite)
            {
                var sqlite = new SqliteConnectionStringBuilder(connectionString);
                if (string.IsNullOrWhiteSpace(sqlite.DataSource) || sqlite.DataSource == ":memory:" || sqlite.Mode == SqliteOpenMode.Memory)
                {
                    return "must name a SQLite file ('Data Source=path/users.db'); an in-memory database would lose every user.";
                }

                return sqlite.Mode == SqliteOpenMode.ReadOnly ? "must not open the SQLite file read-only." : null;
            }

            var postgres = new NpgsqlConnectionStringBuilder(connectionString);
            return string.IsNullOrWhiteSpace(postgres.Host) ? "must name a Host for the Postgres provider." : null;
        }
        catch (Exception ex) when (ex is ArgumentException or FormatException or InvalidOperationException)
        {
            // The parser's message names the bad keyword, not the secret value.
            return $"is not a valid {options.Provider} connection string: {ex.Message}";
        }
    }
}
