using Orleans.Dashboard;
using OrleansRedis.AspNetCore.Endpoints;
using OrleansRedis.AspNetCore.Health;
using OrleansRedis.Silo.Hosting;
using OrleansRedis.Silo.Options;
using Scalar.AspNetCore;

// The content root is the dll's folder, wherever the process was started from, so appsettings.json beside the dll is
// always read. The working directory stays the caller's: relative data paths (.data/users.db) are the caller's.
var builder = WebApplication.CreateBuilder(new WebApplicationOptions { Args = args, ContentRootPath = AppContext.BaseDirectory });
var (settings, errors) = SiloHostSettingsLoader.Load(builder.Configuration);
if (errors.Count > 0)
{
    return ExitCodes.InvalidConfiguration(errors);
}

builder.AddOrleansRedisSilo(settings).AddOrleansRedisHttp(settings).AddOrleansRedisTelemetry().AddOrleansRedisShutdownBound();

var app = builder.Build();
app.UseExceptionHandler();
app.UseStatusCodePages();
app.UseCors();
app.MapOrleansRedisHealth();
app.MapMetrics();
app.MapOpenApi();
app.MapScalarApiReference("/docs", options => options.WithTitle(ApiDocumentTransformer.Title));
if (settings.Dashboard.Enabled)
{
    app.MapOrleansDashboard("/dashboard").ExcludeFromDescription();
}

app.MapOrleansRedisEndpoints();

try
{
    await app.RunAsync();
    return 0;
}
catch (Exception ex) when (ex.OptionsFailures() is { Count: > 0 } failures)
{
    return ExitCodes.InvalidConfiguration(failures);
}
catch (Exception ex) when (ex.FindRedisFailure() is { } redisFailure)
{
    // Orleans gives up joining after its own retries; say why in one line instead of an unhandled-exception abort.
    return ExitCodes.RedisUnreachable(settings.Redis.State, redisFailure);
}
