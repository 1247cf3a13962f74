using System.Diagnostics;
using System.Globalization;
using OrleansRedis.Abstractions.RateLimiting;

namespace OrleansRedis.LoadDriver.Scenarios;

/// <summary>
/// Workers hammer a few rate-limited keys and print every admission as <c>ADMIT key sentMs receivedMs</c> on the
/// machine-wide monotonic clock, so the test can prove no window ever admitted more than the limit.
/// </summary>
public sealed class RateLimitAdmissionsScenario(string policy, int keys, string runId) : IDriverScenario
{
    /// <inheritdoc />
    public async Task RunWorkerAsync(int worker, IGrainFactory grains, Ledger ledger, CancellationToken cancellationToken)
    {
        var key = $"{runId}-k{worker % keys}";
        var grain = grains.GetRateLimitGrain(policy, key);
        while (!cancellationToken.IsCancellationRequested)
        {
            var sent = Stopwatch.GetTimestamp();
            RateLimitDecision? decision = null;
            if (!await ledger.RecordAsync("ratelimit", key, "-", async () => decision = await grain.CheckAsync(1)))
            {
                // A failed call (a silo just died): back off briefly instead of spinning on rejections.
                await Task.Delay(10, CancellationToken.None);
                continue;
            }

            if (decision is { Allowed: true, Degraded: false })
            {
                ledger.Write($"ADMIT {key} {Millis(sent)} {Millis(Stopwatch.GetTimestamp())}");
            }
            else if (decision is { Allowed: false })
            {
                // Denied: come back when the window allows, as a well-behaved client would, but never later than 50 ms.
                await Task.Delay(TimeSpan.FromMilliseconds(Math.Min(50, Math.Max(1, decision.RetryAfter.TotalMilliseconds))), CancellationToken.None);
            }
        }
    }

    private static string Millis(long timestamp) => (timestamp * 1000.0 / Stopwatch.Frequency).ToString("F3", CultureInfo.InvariantCulture);
}
