using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using OrleansRedis.Grains.Users;

namespace OrleansRedis.Tests.Users;

/// <summary>Bad user and database settings are refused at start with a message that names the setting.</summary>
public sealed class UsersOptionsValidatorTests
{
    private static readonly TimeSpan DatabaseTimeout = TimeSpan.FromSeconds(5);

    [Fact]
    public void Validate_Defaults_NoErrorsAndDocumentedValues()
    {
        var users = new UsersOptions();
        var database = new DatabaseOptions();

        Assert.Empty(UsersOptionsValidator.Errors(users, database.OperationTimeout));
        Assert.Empty(DatabaseOptionsValidator.Errors(database));
        Assert.Equal((3600.0, 300.0, 60.0, true), (users.CacheTtl.TotalSeconds, users.CacheTtlJitter.TotalSeconds, users.NegativeCacheTtl.TotalSeconds, users.ServeStaleOnDatabaseFailure));
        Assert.Equal((DatabaseProvider.Sqlite, "Data Source=.data/users.db"), (database.Provider, database.EffectiveConnectionString));
    }

    [Theory]
    [InlineData("00:00:00", "00:00:00", "00:01:00", "OrleansRedis:Users:CacheTtl must be between 00:00:01 and 30.00:00:00")]
    [InlineData("01:00:00", "02:00:00", "00:01:00", "OrleansRedis:Users:CacheTtlJitter must be between 0 and CacheTtl")]
    [InlineData("01:00:00", "-00:00:01", "00:01:00", "OrleansRedis:Users:CacheTtlJitter must be between 0 and CacheTtl")]
    [InlineData("01:00:00", "00:05:00", "00:00:05", "OrleansRedis:Users:NegativeCacheTtl must be longer than OrleansRedis:Database:OperationTimeout")]
    public void Users_BadSetting_ErrorNamesTheSetting(string ttl, string jitter, string negative, string expected)
    {
        var options = new UsersOptions { CacheTtl = TimeSpan.Parse(ttl), CacheTtlJitter = TimeSpan.Parse(jitter), NegativeCacheTtl = TimeSpan.Parse(negative) };

        var errors = UsersOptionsValidator.Errors(options, DatabaseTimeout).ToList();

        Assert.Contains(errors, e => e.StartsWith(expected, StringComparison.Ordinal));
    }

    [Theory]
    [InlineData(DatabaseProvider.Postgres, null, "00:00:05", "OrleansRedis:Database:ConnectionString is required for the Postgres provider")]
    [InlineData(DatabaseProvider.Postgres, "Username=app", "00:00:05", "OrleansRedis:Database:ConnectionString must name a Host")]
    [InlineData(DatabaseProvider.Postgres, "Host=db;NoSuchKeyword=1", "00:00:05", "OrleansRedis:Database:ConnectionString is not a valid Postgres connection string")]
    [InlineData(DatabaseProvider.Sqlite, "Data Source=:memory:", "00:00:05", "OrleansRedis:Database:ConnectionString must name a SQLite file")]
    [InlineData(DatabaseProvider.Sqlite, "Data Source=users.db;Mode=ReadOnly", "00:00:05", "OrleansRedis:Database:ConnectionString must not open the SQLite file read-only")]
    [InlineData(DatabaseProvider.Sqlite, null, "00:00:00", "OrleansRedis:Database:OperationTimeout must be greater than 0")]
    [InlineData(DatabaseProvider.Sqlite, null, "00:01:00", "OrleansRedis:Database:OperationTimeout must be greater than 0 and at most 00:00:20")]
    [InlineData((DatabaseProvider)7, null, "00:00:05", "OrleansRedis:Database:Provider must be 'Sqlite' or 'Postgres'")]
    public void Database_BadSetting_ErrorNamesTheSetting(DatabaseProvider provider, string? connectionString, string timeout, string expected)
    {
        var options = new DatabaseOptions { Provider = provider, ConnectionString = connectionString, OperationTimeout = TimeSpan.Parse(timeout) };

        var errors = DatabaseOptionsValidator.Errors(options).ToList();

        Assert.Contains(errors, e => e.StartsWith(expected, StringComparison.Ordinal));
    }

    [Theory]
    [InlineData("OrleansRedis:Database:Provider", "Oracle", "OrleansRedis:Database:Provider must be one of Sqlite, Postgres (it was 'Oracle').")]
    [InlineData("OrleansRedis:Database:Provider", "1", "OrleansRedis:Database:Provider must be one of Sqlite, Postgres (it was '1').")]
    [InlineData("OrleansRedis:Users:CacheTtl", "soon", "OrleansRedis:Users:CacheTtl must be a duration such as 00:00:10 (hh:mm:ss) (it was 'soon').")]
    public void Configuration_UnreadableValue_ReportedByTheValidatorNamingTheSetting(string key, string value, string expected)
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?> { [key] = value }).Build();
        using var services = new ServiceCollection().AddOrleansRedisUsers(configuration).BuildServiceProvider();

        var database = Record.Exception(() => services.GetRequiredService<IOptions<DatabaseOptions>>().Value);
        var users = Record.Exception(() => services.GetRequiredService<IOptions<UsersOptions>>().Value);

        var failures = new[] { database, users }.OfType<OptionsValidationException>().SelectMany(e => e.Failures);
        Assert.Equal([expected], failures);
    }

    [Fact]
    public void Database_ToStringAndErrors_NeverShowThePassword()
    {
        var options = new DatabaseOptions { Provider = DatabaseProvider.Postgres, ConnectionString = "Host=db;Password=hunter2-secret;Bogus=1" };

        var text = options + string.Join(" ", DatabaseOptionsValidator.Errors(options));

        Assert.DoesNotContain("hunter2-secret", text);
    }
}
