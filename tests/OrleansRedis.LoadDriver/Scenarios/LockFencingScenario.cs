using OrleansRedis.Abstractions.Locks;
using StackExchange.Redis;

namespace OrleansRedis.LoadDriver.Scenarios;

/// <summary>
/// Workers take turns on a few locks, hold each for a while, then write to a protected resource that accepts a write only with a fencing token
/// higher than any it has seen (a Lua compare-and-set in Redis). Each grant prints <c>ACK lock NAME FENCE ms</c> and
/// the resource's verdict <c>FENCE NAME FENCE accepted|rejected</c>, so the test can prove there was no double grant.
/// </summary>
public sealed class LockFencingScenario(IDatabase resource, int locks, string runId, TimeSpan hold) : IDriverScenario
{
    // KEYS[1] = the resource's highest accepted fence; ARGV[1] = the writer's fence. Returns 1 accepted, 0 rejected.
    private const string AcceptIfNewer = """
        local current = tonumber(redis.call('GET', KEYS[1]) or '0')
        if tonumber(ARGV[1]) > current then
          redis.call('SET', KEYS[1], ARGV[1])
          return 1
        end
        return 0
        """;

    private static readonly TimeSpan Lease = TimeSpan.FromSeconds(3);
    private static readonly TimeSpan Wait = TimeSpan.FromSeconds(2);

    /// <inheritdoc />
    public async Task RunWorkerAsync(int worker, IGrainFactory grains, Ledger ledger, CancellationToken cancellationToken)
    {
        var owner = $"{runId}-{Environment.ProcessId}-w{worker}";
        for (var i = 0; !cancellationToken.IsCancellationRequested; i++)
        {
            var name = $"{runId}-lock-{i % locks}";
            LockLease? lease = null;
            await ledger.RecordAsync("lock-acquire", name, "-", async () =>
                lease = (await grains.GetGrain<ILockGrain>(name).AcquireAsync(owner, Lease, Wait, cancellationToken)).Lease);
            if (lease is null)
            {
                continue;
            }

            ledger.Write($"ACK lock {name} {lease.FencingToken} 0");

            // Work first, then write: a holder frozen during its work writes with a fence that may be stale by then.
            await Task.Delay(hold, CancellationToken.None);
            var accepted = (int)await resource.ScriptEvaluateAsync(AcceptIfNewer, [(RedisKey)$"resource:{name}"], [lease.FencingToken]) == 1;
            ledger.Write($"FENCE {name} {lease.FencingToken} {(accepted ? "accepted" : "rejected")} {owner}");
            await ledger.RecordAsync("lock-release", name, lease.FencingToken.ToString(), () => grains.GetGrain<ILockGrain>(name).ReleaseAsync(lease.Token));
        }
    }
}
