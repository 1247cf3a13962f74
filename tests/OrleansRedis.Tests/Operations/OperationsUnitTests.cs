using OrleansRedis.Redis.Operations;

namespace OrleansRedis.Tests.Operations;

public sealed class OperationsUnitTests
{
    [Theory]
    [InlineData("allkeys-lru")]
    [InlineData("volatile-lru")]
    [InlineData("volatile-ttl")]
    [InlineData("allkeys-random")]
    public void Evaluate_StateWithEvictingPolicy_Critical(string policy)
    {
        var warnings = MemoryWarnings.Evaluate(RedisRole.State, policy, 0, aofEnabled: true, 1.0, 1000);

        Assert.Contains(warnings, w => w.Code == "state-evicting-policy" && w.Severity == "critical");
    }

    [Fact]
    public void Evaluate_StateNoevictionWithAof_NoWarnings() =>
        Assert.Empty(MemoryWarnings.Evaluate(RedisRole.State, "noeviction", 0, aofEnabled: true, 1.1, 1000));

    [Fact]
    public void Evaluate_StateAofOff_Critical() =>
        Assert.Contains(MemoryWarnings.Evaluate(RedisRole.State, "noeviction", 0, aofEnabled: false, 1.0, 1000), w => w.Code == "state-aof-off");

    [Fact]
    public void Evaluate_CacheEvictingWithoutMaxMemory_Warning() =>
        Assert.Contains(MemoryWarnings.Evaluate(RedisRole.Cache, "allkeys-lru", 0, aofEnabled: false, 1.0, 1000), w => w.Code == "cache-evicting-without-maxmemory");

    [Fact]
    public void Evaluate_CacheEvictingWithMaxMemoryAndAofOff_NoWarnings() =>
        Assert.Empty(MemoryWarnings.Evaluate(RedisRole.Cache, "allkeys-lru", 1 << 20, aofEnabled: false, 1.0, 1000));

    [Theory]
    [InlineData(2.0, 100L * 1024 * 1024, true)]
    [InlineData(2.0, 1024, false)]
    [InlineData(1.2, 100L * 1024 * 1024, false)]
    public void Evaluate_Fragmentation_WarnsOnlyWhenHighAndSizeable(double ratio, long used, bool expected) =>
        Assert.Equal(expected, MemoryWarnings.Evaluate(RedisRole.Cache, "noeviction", 0, true, ratio, used).Any(w => w.Code == "high-fragmentation"));

    [Theory]
    [InlineData("or:session:{abc}", "or:session")]
    [InlineData("or:rl:{demo/alice}", "or:rl")]
    [InlineData("svc/state/user/alice/profile", "svc/state/user")]
    [InlineData("svc/members/cluster", "svc/members")]
    [InlineData("foreign:thing", "foreign")]
    [InlineData("plain", "(no prefix)")]
    public void KeyGroupsOf_GroupsByCapability(string key, string expected) =>
        Assert.Equal(expected, KeyGroups.Of(key, "or"));

    [Theory]
    [InlineData("256mb", null, true)]
    [InlineData("0", null, true)]
    [InlineData(null, "allkeys-lfu", true)]
    [InlineData(null, null, false)]
    [InlineData("-1", null, false)]
    [InlineData(null, "lru", false)]
    public void Validate_MaxMemoryChange(string? size, string? policy, bool valid) =>
        Assert.Equal(valid, MaxMemorySetter.Validate(new MaxMemoryChange(RedisRole.Cache, size, policy, false)).Count == 0);

    [Theory]
    [InlineData("12 parsecs", "noeviction", "maxMemory")]
    [InlineData("1gb", "lru", "policy")]
    public void Validate_OneBadValue_NamesItsField(string size, string policy, string field) =>
        Assert.Equal([field], MaxMemorySetter.Validate(new MaxMemoryChange(RedisRole.Cache, size, policy, false)).Select(e => e.Field));

    [Fact]
    public void Validate_NothingToChange_NamesBothFields() =>
        Assert.Equal(["maxMemory", "policy"], MaxMemorySetter.Validate(new MaxMemoryChange(RedisRole.State, null, null, false)).Select(e => e.Field));

    [Fact]
    public void IsEvicting_OnlyNoevictionIsSafe() =>
        Assert.Equal(["noeviction"], EvictionPolicies.All.Where(p => !EvictionPolicies.IsEvicting(p)));
}
