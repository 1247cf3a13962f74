using System.Diagnostics;
using System.Security.Cryptography;
using System.Text;
using System.Threading.RateLimiting;
using OrleansRedis.Abstractions.RateLimiting;

namespace OrleansRedis.AspNetCore.RateLimiting;

/// <summary>
/// A <see cref="RateLimiter"/> over one key of an OrleansRedis rate-limit policy (<c>OrleansRedis:RateLimits:Policies</c>):
/// every acquisition is a check of <see cref="IRateLimitGrain"/>, so the limit holds across every app instance of the
/// cluster and survives restarts. The decision is Redis's, so <see cref="RateLimiter.AttemptAcquire(int)"/> (synchronous) cannot make
/// it: it answers a failed lease, and callers (the ASP.NET Core middleware does) then call <see cref="RateLimiter.AcquireAsync(int, CancellationToken)"/>.
/// Leases carry <see cref="MetadataName.RetryAfter"/> and the <see cref="OrleansRedisRateLimitMetadata"/> names.
/// Nothing waits in a queue: a denied acquisition answers at once with its retry-after.
/// </summary>
public sealed class OrleansRedisRateLimiter : RateLimiter
{
    private static readonly RateLimitLease NotDecidedHere = new Lease(decision: null);
    private readonly IRateLimitGrain _grain;
    private long _successful;
    private long _failed;
    private long _remaining = -1;
    private long _inFlight;
    private long _lastUsed = Stopwatch.GetTimestamp();

    /// <summary>Creates the limiter of <paramref name="subject"/> under <paramref name="policy"/>.</summary>
    /// <param name="grains">The cluster's grain factory.</param>
    /// <param name="policy">The name of a configured policy.</param>
    /// <param name="subject">
    /// The key (a user, an API key, an IP address); one that is not a valid subject (empty, over
    /// <see cref="RateLimitKey.MaxSubjectLength"/> characters, control characters) is replaced by its SHA-256.
    /// </param>
    public OrleansRedisRateLimiter(IGrainFactory grains, string policy, string subject)
    {
        ArgumentNullException.ThrowIfNull(grains);
        Policy = policy;
        Subject = RateLimitKey.SubjectError(subject) is null ? subject : "sha256:" + Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(subject ?? string.Empty)));
        _grain = grains.GetRateLimitGrain(policy, Subject);
    }

    /// <summary>Gets the policy's name.</summary>
    public string Policy { get; }

    /// <summary>Gets the key this limiter checks (the subject given, or its SHA-256).</summary>
    public string Subject { get; }

    /// <inheritdoc />
    /// <remarks>The limiter keeps no state of its own, so a partitioned limiter may drop it as soon as it is idle.</remarks>
    public override TimeSpan? IdleDuration =>
        Interlocked.Read(ref _inFlight) > 0 ? null : Stopwatch.GetElapsedTime(Interlocked.Read(ref _lastUsed));

    /// <summary>Creates a partitioned limiter for a <c>GlobalLimiter</c>: one <see cref="OrleansRedisRateLimiter"/> per key.</summary>
    /// <param name="policy">The name of a configured policy.</param>
    /// <param name="partitionKey">The key of a request (e.g. the user's name, the client's address).</param>
    public static PartitionedRateLimiter<HttpContext> Partitioned(string policy, Func<HttpContext, string> partitionKey)
    {
        ArgumentNullException.ThrowIfNull(partitionKey);
        return PartitionedRateLimiter.Create<HttpContext, string>(context => Partition(context, policy, partitionKey(context)));
    }

    /// <inheritdoc />
    public override RateLimiterStatistics? GetStatistics() => new()
    {
        CurrentAvailablePermits = Math.Max(0, Interlocked.Read(ref _remaining)),
        CurrentQueuedCount = 0,
        TotalSuccessfulLeases = Interlocked.Read(ref _successful),
        TotalFailedLeases = Interlocked.Read(ref _failed),
    };

    internal static RateLimitPartition<string> Partition(HttpContext context, string policy, string key) =>
        RateLimitPartition.Get(key, subject => new OrleansRedisRateLimiter(context.RequestServices.GetRequiredService<IGrainFactory>(), policy, subject));

    /// <inheritdoc />
    protected override RateLimitLease AttemptAcquireCore(int permitCount)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(permitCount);
        return NotDecidedHere;
    }

    /// <inheritdoc />
    protected override async ValueTask<RateLimitLease> AcquireAsyncCore(int permitCount, CancellationToken cancellationToken)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(permitCount);
        cancellationToken.ThrowIfCancellationRequested();
        Interlocked.Increment(ref _inFlight);
        try
        {
            // Zero permits asks whether one would be admitted now, without spending anything.
            var decision = permitCount == 0
                ? await _grain.PeekAsync().WaitAsync(cancellationToken).ConfigureAwait(false)
                : await _grain.CheckAsync(permitCount).WaitAsync(cancellationToken).ConfigureAwait(false);
            Interlocked.Exchange(ref _remaining, decision.Remaining);
            if (decision.Allowed)
            {
                Interlocked.Increment(ref _successful);
            }
            else
            {
                Interlocked.Increment(ref _failed);
            }

            return new Lease(decision);
        }
        finally
        {
            Interlocked.Exchange(ref _lastUsed, Stopwatch.GetTimestamp());
            Interlocked.Decrement(ref _inFlight);
        }
    }

    private sealed class Lease(RateLimitDecision? decision) : RateLimitLease
    {
        private static readonly string[] Names =
        [
            MetadataName.RetryAfter.Name, OrleansRedisRateLimitMetadata.Limit.Name, OrleansRedisRateLimitMetadata.Remaining.Name,
            OrleansRedisRateLimitMetadata.ResetAfter.Name, OrleansRedisRateLimitMetadata.Degraded.Name, OrleansRedisRateLimitMetadata.Decision.Name,
        ];

        public override bool IsAcquired => decision?.Allowed ?? false;

        public override IEnumerable<string> MetadataNames => decision is null ? [] : decision.Allowed ? Names[1..] : Names;

        public override bool TryGetMetadata(string metadataName, out object? metadata)
        {
            metadata = decision is null ? null : metadataName switch
            {
                _ when metadataName == MetadataName.RetryAfter.Name && !decision.Allowed => decision.RetryAfter,
                _ when metadataName == OrleansRedisRateLimitMetadata.Limit.Name => decision.Limit,
                _ when metadataName == OrleansRedisRateLimitMetadata.Remaining.Name => decision.Remaining,
                _ when metadataName == OrleansRedisRateLimitMetadata.ResetAfter.Name => decision.ResetAfter,
                _ when metadataName == OrleansRedisRateLimitMetadata.Degraded.Name => decision.Degraded,
                _ when metadataName == OrleansRedisRateLimitMetadata.Decision.Name => decision,
                _ => null,
            };
            return metadata is not null;
        }
    }
}
