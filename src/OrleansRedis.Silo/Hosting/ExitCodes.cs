namespace OrleansRedis.Silo.Hosting;

/// <summary>The process exit codes of the host, so scripts and orchestrators can tell failures apart.</summary>
public static class ExitCodes
{
    /// <summary>The configuration is invalid; fix the named settings and start again.</summary>
    public const int InvalidConfigurationCode = 2;

    /// <summary>The State Redis could not be reached while the silo joined the cluster; start Redis first.</summary>
    public const int RedisUnreachableCode = 3;

    /// <summary>Stopping took longer than the shutdown bound (usually: the State Redis was gone); the process exited anyway.</summary>
    public const int ShutdownTimedOutCode = 4;

    /// <summary>Prints why the silo could not join and returns <see cref="RedisUnreachableCode"/>.</summary>
    public static int RedisUnreachable(string endpoint, Exception exception)
    {
        Console.Error.WriteLine($"OrleansRedis cannot start: the State Redis ({endpoint}, setting OrleansRedis:Redis:State) is unreachable, so the silo cannot join the cluster.");
        Console.Error.WriteLine($"  {exception.GetType().Name}: {exception.Message}");
        return RedisUnreachableCode;
    }

    /// <summary>Prints every configuration problem to standard error and returns <see cref="InvalidConfigurationCode"/>.</summary>
    public static int InvalidConfiguration(IReadOnlyCollection<string> errors)
    {
        Console.Error.WriteLine("OrleansRedis cannot start: the configuration is invalid.");
        foreach (var error in errors)
        {
            Console.Error.WriteLine($"  - {error}");
        }

        return InvalidConfigurationCode;
    }
}
