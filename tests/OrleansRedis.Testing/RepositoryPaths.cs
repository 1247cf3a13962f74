namespace OrleansRedis.Testing;

/// <summary>Finds the built programs of the solution, so tests can run them as real processes.</summary>
public static class RepositoryPaths
{
#if DEBUG
    private const string Configuration = "Debug";
#else
    private const string Configuration = "Release";
#endif

    /// <summary>Gets the folder holding <c>OrleansRedis.sln</c>.</summary>
    public static string Root { get; } = FindRoot();

    /// <summary>Gets the built silo host.</summary>
    public static string SiloDll => Built("src/OrleansRedis.Silo", "OrleansRedis.Silo.dll");

    /// <summary>Gets the built sample client.</summary>
    public static string SampleClientDll => Built("samples/OrleansRedis.SampleClient", "OrleansRedis.SampleClient.dll");

    /// <summary>Gets the built command-line tool.</summary>
    public static string CliDll => Built("src/OrleansRedis.Cli", "orleansredis.dll");

    /// <summary>Gets the built queue job runner of the fault tests (external worker or silo host with in-silo handlers).</summary>
    public static string QueueWorkerDll => Built("tests/OrleansRedis.QueueWorker", "OrleansRedis.QueueWorker.dll");

    /// <summary>
    /// Gets the built sample web app. It is not in the solution: it builds from the packed packages, which
    /// <c>tests/pack-check.sh</c> makes and then builds it from (test.sh runs it before the fault suite).
    /// </summary>
    public static string WebAppDll => Built(
        "samples/OrleansRedis.WebApp", "OrleansRedis.WebApp.dll", "it builds from the packed packages: run tests/pack-check.sh (test.sh does, before the fault suite)");

    private static string Built(string project, string file, string? how = null)
    {
        var path = Path.Combine(Root, project, "bin", Configuration, "net10.0", file);
        return File.Exists(path)
            ? path
            : throw new FileNotFoundException($"Build {project} ({Configuration}) first{(how is null ? "" : $" ({how})")}; {path} is missing.", path);
    }

    private static string FindRoot()
    {
        for (var directory = new DirectoryInfo(AppContext.BaseDirectory); directory is not null; directory = directory.Parent)
        {
            if (File.Exists(Path.Combine(directory.FullName, "OrleansRedis.sln")))
            {
                return directory.FullName;
            }
        }

        throw new DirectoryNotFoundException("OrleansRedis.sln was not found above the test binaries.");
    }
}
