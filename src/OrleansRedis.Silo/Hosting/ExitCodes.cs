namespace OrleansRedis.Silo.Hosting;

/// <summary>The process exit codes of the host, so scripts and orchestrators can tell failures apart.</summary>
public static class ExitCodes
{
    /// <summary>The configuration is invalid; fix the named settings and start again.</summary>
    public const int InvalidConfigurationCode = 2;

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
