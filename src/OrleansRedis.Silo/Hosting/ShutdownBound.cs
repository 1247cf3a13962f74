namespace OrleansRedis.Silo.Hosting;

/// <summary>
/// Bounds how long the host takes to stop, so that <c>docker stop</c> (SIGKILL after 10 s) and Ctrl+C never have to
/// kill a silo: in-flight work gets <see cref="HostOptions.ShutdownTimeout"/> (then Orleans stops ungracefully), and
/// the process exits <see cref="ExitGrace"/> later whatever is still running.
/// </summary>
public static class ShutdownBound
{
    /// <summary>The shutdown timeout used unless the <c>shutdownTimeoutSeconds</c> host setting gives one.</summary>
    public static readonly TimeSpan DefaultShutdownTimeout = TimeSpan.FromSeconds(5);

    /// <summary>How long after the shutdown timeout the process exits on its own.</summary>
    public static readonly TimeSpan ExitGrace = TimeSpan.FromSeconds(2);

    /// <summary>Applies the shutdown timeout and starts the watchdog that enforces the bound.</summary>
    public static WebApplicationBuilder AddOrleansRedisShutdownBound(this WebApplicationBuilder builder)
    {
        // .NET's own setting (appsettings "shutdownTimeoutSeconds", env DOTNET_/ASPNETCORE_SHUTDOWNTIMEOUTSECONDS) wins.
        if (builder.Configuration["shutdownTimeoutSeconds"] is null)
        {
            builder.Services.Configure<HostOptions>(options => options.ShutdownTimeout = DefaultShutdownTimeout);
        }

        builder.Services.AddHostedService<ShutdownWatchdog>();
        return builder;
    }
}
