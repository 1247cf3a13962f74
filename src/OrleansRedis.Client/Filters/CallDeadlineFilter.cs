using Microsoft.Extensions.Options;
using Orleans.Persistence.Redis;
using OrleansRedis.Abstractions.Errors;

namespace OrleansRedis.Client.Filters;

/// <summary>
/// Bounds every grain call from this client by <see cref="OrleansRedisClientOptions.ResponseTimeout"/> plus a small
/// grace. Orleans' own response timer starts once a message is sent; time spent finding or connecting to a gateway
/// (a silo just died) comes on top of it. This filter makes the bound hold end to end: a caller never waits longer.
/// It also turns a storage failure raised during activation into <see cref="BackendUnavailableException"/>.
/// </summary>
public sealed class CallDeadlineFilter(IOptions<OrleansRedisClientOptions> options) : IOutgoingGrainCallFilter
{
    /// <summary>Lets Orleans' own, more specific timeout fire first when it can.</summary>
    public static readonly TimeSpan Grace = TimeSpan.FromMilliseconds(250);

    private readonly TimeSpan _deadline = options.Value.ResponseTimeout + Grace;

    /// <inheritdoc />
    public async Task Invoke(IOutgoingGrainCallContext context)
    {
        var call = context.Invoke();
        try
        {
            await call.WaitAsync(_deadline).ConfigureAwait(false);
        }
        catch (RedisStorageException ex)
        {
            // Raised while a grain activates and reads its state, where the silo's call filter cannot translate it.
            throw new BackendUnavailableException("redis", $"Redis is unavailable: {ex.Message}");
        }
        catch (TimeoutException) when (!call.IsCompleted)
        {
            // The call may still complete or fail later; observe it so its outcome is not reported as unobserved.
            _ = call.ContinueWith(static t => t.Exception, TaskContinuationOptions.OnlyOnFaulted | TaskContinuationOptions.ExecuteSynchronously);
            throw new TimeoutException(
                $"{context.InterfaceName}.{context.MethodName} did not complete within {_deadline.TotalSeconds:0.##} s (the client's response timeout). Its effect is unknown; retry if the operation is idempotent.");
        }
    }
}
