using Microsoft.Extensions.Logging;
using Orleans.Concurrency;
using Orleans.Placement;
using OrleansRedis.Abstractions.Diagnostics;
using OrleansRedis.Abstractions.RateLimiting;
using OrleansRedis.Redis.RateLimiting;
using StackExchange.Redis;

namespace OrleansRedis.Grains.RateLimiting;

/// <summary>
/// The rate limit of one <c>"{policy}/{subject}"</c> key; see <see cref="IRateLimitGrain"/>. Redis decides (one
/// atomic script per batch), the grain coordinates: it is reentrant, so checks arriving while a script call is in
/// flight queue up and go to Redis together in the next call, decided in arrival order. Correctness never depends on
/// this activation being the only one: a duplicate activation during a membership change only loses coalescing.
/// Activations are placed on the silo that first receives a call for the key (the gateway an external client sticks to
/// for that key, or the silo serving the HTTP request), which saves a silo-to-silo hop per check.
/// </summary>
[Reentrant]
[PreferLocalPlacement]
[GrainType("ratelimit")]
public sealed partial class RateLimitGrain(
    RateLimitPolicies policies,
    RateLimitStore store,
    RateLimitMetrics metrics,
    RateLimitOutageLog outages,
    TimeProvider time,
    ILogger<RateLimitGrain> logger) : Grain, IRateLimitGrain
{
    private const string SourceRedis = "redis";
    private const string SourceCache = "cache";
    private const string SourceDegraded = "degraded";
    private static readonly TimeSpan DegradedRetryAfter = TimeSpan.FromSeconds(1);

    private RateLimitPolicy? _policy;
    private string _subject = string.Empty;
    private (RateLimitErrorCode Code, string Message)? _keyError;
    private RedisKey _key;
    private RequestCoalescer<int, RateLimitVerdict>? _coalescer;
    private long _exhaustedUntil;
    private long _retryAt;
    private long _resetAt;

    /// <inheritdoc />
    public override Task OnActivateAsync(CancellationToken cancellationToken)
    {
        var key = this.GetPrimaryKeyString();
        if (!RateLimitKey.TryParse(key, out var policyName, out var subject))
        {
            _keyError = (RateLimitErrorCode.InvalidKey,
                $"'{Truncate(key)}' is not a rate-limit key: expected '{{policy}}/{{subject}}' with a policy name of letters, digits, '.', '_' or '-' and a subject of 1-{RateLimitKey.MaxSubjectLength} printable characters.");
        }
        else if (!policies.TryGet(policyName, out var policy))
        {
            _keyError = (RateLimitErrorCode.UnknownPolicy, $"No rate-limit policy is named '{policyName}'.");
        }
        else
        {
            _policy = policy;
            _subject = subject;
            _key = store.KeyFor(policy.Name, subject, policy.Algorithm);
            _coalescer = new RequestCoalescer<int, RateLimitVerdict>(ExecuteAsync, policies.MaxBatchSize);
        }

        return Task.CompletedTask;
    }

    /// <inheritdoc />
    public Task<RateLimitDecision> CheckAsync(int cost = 1)
    {
        var activity = RateLimitTracing.Start("ratelimit.check", _policy, cost);
        Task<RateLimitDecision> decision;
        try
        {
            decision = CheckCoreAsync(cost);
        }
        catch (Exception ex)
        {
            // A refused cost or key throws before any await; the span still ends, failed.
            decision = Task.FromException<RateLimitDecision>(ex);
        }

        return OrleansRedisActivitySources.Run(activity, decision, RateLimitTracing.Decided);
    }

    private Task<RateLimitDecision> CheckCoreAsync(int cost)
    {
        var policy = Policy();
        if (cost < 1 || cost > policy.Limit)
        {
            throw new ArgumentOutOfRangeException(nameof(cost), cost, $"The cost must be between 1 and the limit of policy '{policy.Name}' ({policy.Limit}).");
        }

        // Redis said the key has no unit left until _exhaustedUntil; only time (or a reset through this grain) frees
        // one, so until then Redis's answer is known without asking.
        var now = time.GetTimestamp();
        if (now < _exhaustedUntil)
        {
            metrics.Decision(policy.Name, allowed: false, SourceCache);
            return Task.FromResult(new RateLimitDecision(
                false, policy.Limit, 0, time.GetElapsedTime(now, _retryAt), time.GetElapsedTime(now, Math.Max(_resetAt, _retryAt)), false));
        }

        return DecideAsync(policy, cost);
    }

    /// <inheritdoc />
    public Task<RateLimitDecision> PeekAsync() => DecideAsync(Policy(), 0);

    /// <inheritdoc />
    public async Task ResetAsync()
    {
        var policy = Policy();

        // Cleared before and after: checks during the reset ask Redis, and a batch that was in flight cannot leave a
        // stale "exhausted" behind.
        _exhaustedUntil = 0;
        try
        {
            await store.ResetAsync(policy.Name, _subject).WaitAsync(policy.DecisionTimeout + TimeSpan.FromSeconds(2), time);
        }
        catch (Exception ex) when (ex is RedisException or TimeoutException)
        {
            throw new RateLimitException(RateLimitErrorCode.Unavailable, $"The rate limit could not be reset: Redis did not answer ({ex.GetType().Name}).");
        }

        _exhaustedUntil = 0;
        LogReset(policy.Name);
    }

    private async Task<RateLimitDecision> DecideAsync(RateLimitPolicy policy, int cost)
    {
        // Disconnected: decide by the failure mode at once rather than wait for the bound on every check.
        if (!store.IsConnected(_key))
        {
            return Degraded(policy, cost, "disconnected", null);
        }

        var pending = _coalescer!.Enqueue(cost);
        try
        {
            var verdict = await pending.Task.WaitAsync(policy.DecisionTimeout, time);
            outages.Decided(policy);

            if (cost > 0)
            {
                metrics.Decision(policy.Name, verdict.Allowed, SourceRedis);
            }

            return new RateLimitDecision(verdict.Allowed, policy.Limit, verdict.Remaining, verdict.RetryAfter, verdict.ResetAfter, false);
        }
        catch (TimeoutException ex)
        {
            // Not sent yet: it never will be. Already sent: Redis may still record it, which only errs toward counting.
            pending.Abandon();
            return Degraded(policy, cost, "timeout", ex);
        }
        catch (RedisException ex)
        {
            return Degraded(policy, cost, "error", ex);
        }
    }

    private async Task<IReadOnlyList<RateLimitVerdict>> ExecuteAsync(IReadOnlyList<int> costs)
    {
        var policy = _policy!;
        var sentAt = time.GetTimestamp();
        RateLimitBatch batch;
        try
        {
            batch = await store.CheckAsync(_key, policy.Algorithm, policy.Limit, policy.Window, costs);
        }
        catch
        {
            metrics.Script(policy.Name, policy.Algorithm, time.GetElapsedTime(sentAt), costs.Count, succeeded: false);
            throw;
        }

        metrics.Script(policy.Name, policy.Algorithm, time.GetElapsedTime(sentAt), costs.Count, succeeded: true);

        // Redis ran the script between sentAt and receivedAt and frees the next unit NextAvailable after that. Local
        // denials stop at sentAt + NextAvailable, so they never outlast Redis's; the retry hints they give count from
        // receivedAt, so a client that follows them is never early.
        var cacheFor = policies.ExhaustedCacheDuration;
        if (batch.Remaining == 0 && batch.NextAvailable > TimeSpan.Zero && cacheFor > TimeSpan.Zero)
        {
            var receivedAt = time.GetTimestamp();
            _retryAt = receivedAt + Ticks(batch.NextAvailable);
            _resetAt = receivedAt + Ticks(batch.Verdicts[^1].ResetAfter);
            _exhaustedUntil = sentAt + Ticks(batch.NextAvailable < cacheFor ? batch.NextAvailable : cacheFor);
        }

        return batch.Verdicts;
    }

    private RateLimitDecision Degraded(RateLimitPolicy policy, int cost, string reason, Exception? exception)
    {
        outages.Degraded(policy, reason, exception);
        var allowed = policy.FailureMode == RateLimitFailureMode.Open;
        if (cost > 0)
        {
            metrics.Degraded(policy.Name, policy.FailureMode, reason);
            metrics.Decision(policy.Name, allowed, SourceDegraded);
        }

        return allowed
            ? new RateLimitDecision(true, policy.Limit, Math.Max(0, policy.Limit - cost), TimeSpan.Zero, TimeSpan.Zero, true)
            : new RateLimitDecision(false, policy.Limit, 0, DegradedRetryAfter, DegradedRetryAfter, true);
    }

    private long Ticks(TimeSpan duration) => (long)(duration.TotalSeconds * time.TimestampFrequency);

    private RateLimitPolicy Policy() =>
        _policy ?? throw new RateLimitException(_keyError!.Value.Code, _keyError.Value.Message);

    private static string Truncate(string key) => key.Length <= 80 ? key : key[..80] + "...";

    [LoggerMessage(Level = LogLevel.Information, Message = "A rate limit of policy {Policy} was reset")]
    private partial void LogReset(string policy);
}
