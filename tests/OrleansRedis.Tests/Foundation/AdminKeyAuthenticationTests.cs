using OrleansRedis.AspNetCore.Security;

namespace OrleansRedis.Tests.Foundation;

public sealed class AdminKeyAuthenticationTests
{
    [Theory]
    [InlineData("the-configured-admin-key", true)]
    [InlineData("the-configured-admin-kez", false)]
    [InlineData("the-configured-admin-key-longer", false)]
    [InlineData("", false)]
    public void Matches_ComparesWholeKey(string presented, bool expected) =>
        Assert.Equal(expected, AdminKeyAuthenticationHandler.Matches(presented, "the-configured-admin-key"));
}
