using OrleansRedis.Testing;
using OrleansRedis.Tests.Infrastructure;

namespace OrleansRedis.Tests.Foundation;

[Collection(RedisClusterCollection.Name)]
public sealed class ClusterMembershipTests(RedisClusterFixture fixture)
{
    [Fact]
    public async Task TwoSilos_FormClusterThroughRedis_MembershipHashListsBothActive()
    {
        await using var redis = await fixture.Redis.ConnectAsync();
        var database = redis.GetDatabase();

        Assert.True(await database.HashExistsAsync(fixture.MembershipKey, "Version"), "the membership table has no Version field");
        await Eventually.TrueAsync(async () =>
        {
            var statuses = await MembershipTable.ReadStatusesAsync(database, fixture.MembershipKey);
            return statuses.Values.Count(s => s == MembershipTable.ActiveStatus) == 2;
        }, TimeSpan.FromSeconds(30), "both silos are Active in the Redis membership hash");

        var active = fixture.Cluster.GetActiveSilos().Select(s => s.SiloAddress.ToParsableString()).ToHashSet();
        var statuses = await MembershipTable.ReadStatusesAsync(database, fixture.MembershipKey);
        foreach (var silo in fixture.Cluster.GetActiveSilos())
        {
            Assert.Contains(statuses, row => row.Key.Contains(silo.SiloAddress.Endpoint.ToString()) && row.Value == MembershipTable.ActiveStatus);
        }

        Assert.Equal(2, active.Count);
    }
}
