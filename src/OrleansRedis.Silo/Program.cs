using Orleans.Dashboard;
using OrleansRedis.Silo.Endpoints;
using OrleansRedis.Silo.Health;
using OrleansRedis.Silo.Hosting;
using OrleansRedis.Silo.Options;
using Scalar.AspNetCore;

var builder = WebApplication.CreateBuilder(args);
var (settings, errors) = SiloHostSettingsLoader.Load(builder.Configuration);
if (errors.Count > 0)
{
    return ExitCodes.InvalidConfiguration(errors);
}

builder.AddOrleansRedisSilo(settings).AddOrleansRedisHttp(settings).AddOrleansRedisTelemetry();

var app = builder.Build();
app.UseExceptionHandler();
app.UseStatusCodePages();
app.MapOrleansRedisHealth();
app.MapMetrics();
app.MapOpenApi();
app.MapScalarApiReference("/docs");
app.MapOrleansDashboard("/dashboard").ExcludeFromDescription();
app.MapOrleansRedisApi();

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
