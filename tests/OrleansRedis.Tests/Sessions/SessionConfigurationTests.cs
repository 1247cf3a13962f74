using OrleansRedis.Silo.Hosting;
using OrleansRedis.Testing;

namespace OrleansRedis.Tests.Sessions;

/// <summary>A bad session setting stops the silo process at start, naming the setting.</summary>
public sealed class SessionConfigurationTests
{
    [Theory]
    [InlineData("OrleansRedis__Sessions__IdleTimeout", "00:00:00", "OrleansRedis:Sessions:IdleTimeout must be")]
    [InlineData("OrleansRedis__Sessions__MaxDataBytes", "-1", "OrleansRedis:Sessions:MaxDataBytes must be")]
    [InlineData("OrleansRedis__Sessions__MaxDataBytes", "lots", "OrleansRedis:Sessions:MaxDataBytes must be a whole number (it was 'lots').")]
    public async Task SiloProcess_InvalidSessionSetting_ExitsWithConfigurationCodeNamingIt(string variable, string value, string expected)
    {
        var environment = new Dictionary<string, string> { [variable] = value };

        var (exitCode, output) = await SiloProcess.RunToExitAsync(RepositoryPaths.SiloDll, environment, [], TimeSpan.FromSeconds(60));

        Assert.Equal(ExitCodes.InvalidConfigurationCode, exitCode);
        Assert.Contains(expected, output);
    }
}
