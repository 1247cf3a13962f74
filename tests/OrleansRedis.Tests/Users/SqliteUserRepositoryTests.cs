using Microsoft.Data.Sqlite;
using OrleansRedis.Grains.Users;

namespace OrleansRedis.Tests.Users;

/// <summary>The repository contract on a real SQLite file, plus SQLite's first-start behaviour.</summary>
public sealed class SqliteUserRepositoryTests : UserRepositoryContractTests, IAsyncLifetime
{
    private readonly string _directory = Directory.CreateTempSubdirectory("orleansredis-sqlite-").FullName;
    private SqliteUserRepository _repository = null!;

    protected override AdoUserRepository Repository => _repository;

    private string ConnectionString => $"Data Source={Path.Combine(_directory, "nested", "users.db")}";

    public async ValueTask InitializeAsync()
    {
        _repository = new SqliteUserRepository(ConnectionString, TimeSpan.FromSeconds(5));
        await _repository.InitializeAsync(CancellationToken.None);
    }

    public ValueTask DisposeAsync()
    {
        SqliteConnection.ClearAllPools();
        Directory.Delete(_directory, recursive: true);
        return ValueTask.CompletedTask;
    }

    [Fact]
    public async Task InitializeAsync_NoFileYet_CreatesFolderFileAndSchema()
    {
        var path = Path.Combine(_directory, "fresh", "deeper", "users.db");
        var repository = new SqliteUserRepository($"Data Source={path}", TimeSpan.FromSeconds(5));

        await repository.InitializeAsync(CancellationToken.None);

        Assert.True(File.Exists(path), $"{path} was not created");
        await using var connection = new SqliteConnection($"Data Source={path}");
        await connection.OpenAsync();
        await using var command = connection.CreateCommand();
        command.CommandText = $"SELECT (SELECT version FROM {AdoUserRepository.SchemaTable} WHERE id = 1), (SELECT COUNT(*) FROM {AdoUserRepository.Table})";
        await using var reader = await command.ExecuteReaderAsync();
        Assert.True(await reader.ReadAsync());
        Assert.Equal((1L, 0L), (reader.GetInt64(0), reader.GetInt64(1)));
    }

    [Fact]
    public async Task GetAsync_FirstOperationOnANewFile_CreatesTheSchemaOnDemand()
    {
        var repository = new SqliteUserRepository($"Data Source={Path.Combine(_directory, "lazy", "users.db")}", TimeSpan.FromSeconds(5));

        var found = await repository.GetAsync(NewId(), CancellationToken.None);

        Assert.Null(found.User);
    }

    protected override AdoUserRepository CreateUnreachable(TimeSpan timeout) =>
        // A folder that cannot be created (below a file): the database can never be opened.
        new SqliteUserRepository($"Data Source={Path.Combine(CreateBlockingFile(), "sub", "users.db")}", timeout);

    protected override AdoUserRepository CreateAnother() => new SqliteUserRepository(ConnectionString, TimeSpan.FromSeconds(5));

    private string CreateBlockingFile()
    {
        var file = Path.Combine(_directory, $"not-a-folder-{Guid.NewGuid():N}");
        File.WriteAllText(file, "x");
        return file;
    }
}
