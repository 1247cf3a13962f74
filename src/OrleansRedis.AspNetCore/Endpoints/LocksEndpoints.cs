using Microsoft.Extensions.Options;
using OrleansRedis.Abstractions.Locks;
using OrleansRedis.Grains.Locks;
using OrleansRedis.AspNetCore.Errors;

namespace OrleansRedis.AspNetCore.Endpoints;

/// <summary>
/// <c>/locks/{name}</c>: acquire (with an optional wait in the lock's FIFO queue), extend, release and read a
/// distributed lock. Every lease carries a fencing token that the protected resource must check.
/// </summary>
public static class LocksEndpoints
{
    /// <summary>The body of <c>POST /locks/{name}</c>.</summary>
    /// <param name="Owner">Who asks (shown in the lock's state); 1-256 characters.</param>
    /// <param name="LeaseMs">The lease length in milliseconds; 1 to <c>Locks:MaxLease</c>.</param>
    /// <param name="WaitMs">How long to queue when the lock is held; 0 (the default) to <c>Locks:MaxWait</c>.</param>
    public sealed record AcquireRequest(string? Owner, long? LeaseMs, long? WaitMs);

    /// <summary>The body of <c>POST /locks/{name}/extend</c>.</summary>
    /// <param name="Token">The token of the lease to extend.</param>
    /// <param name="LeaseMs">The new lease length from now in milliseconds.</param>
    public sealed record ExtendRequest(string? Token, long? LeaseMs);

    /// <summary>A granted lease.</summary>
    /// <param name="Token">The lease's secret: extend and release need it.</param>
    /// <param name="FencingToken">Send it with every write to the protected resource, which must reject smaller or equal ones.</param>
    /// <param name="ExpiresAtUtc">When the lease runs out by Redis's clock.</param>
    public sealed record LeaseResponse(string Token, long FencingToken, DateTimeOffset ExpiresAtUtc);

    /// <summary>An extended lease.</summary>
    /// <param name="ExpiresAtUtc">The new expiry by Redis's clock.</param>
    /// <param name="FencingToken">The lease's fencing token (unchanged by extending).</param>
    public sealed record ExtendResponse(DateTimeOffset ExpiresAtUtc, long FencingToken);

    /// <summary>The state of a lock.</summary>
    /// <param name="Held">Whether a lease holds the lock.</param>
    /// <param name="Owner">The holder's owner when held.</param>
    /// <param name="FencingToken">The holder's fencing token when held; otherwise the highest issued so far.</param>
    /// <param name="ExpiresAtUtc">When the holder's lease runs out.</param>
    /// <param name="Waiters">How many callers queue for it.</param>
    public sealed record StateResponse(bool Held, string? Owner, long FencingToken, DateTimeOffset? ExpiresAtUtc, int Waiters);

    public static IEndpointRouteBuilder MapLocksEndpoints(this IEndpointRouteBuilder endpoints)
    {
        var group = endpoints.MapGroup("/locks").WithTags("Locks");
        group.MapPost("/{name}", AcquireAsync)
            .WithSummary("Acquires a lock, queueing up to waitMs (FIFO); 409 with Retry-After when still held.")
            .Produces<LeaseResponse>().ProducesProblem(StatusCodes.Status409Conflict).ProducesValidationProblem();
        group.MapPost("/{name}/extend", ExtendAsync)
            .WithSummary("Extends a lease while its token still holds the lock; 409 when it does not.")
            .Produces<ExtendResponse>().ProducesProblem(StatusCodes.Status409Conflict).ProducesValidationProblem();
        group.MapDelete("/{name}", ReleaseAsync)
            .WithSummary("Releases a lease and hands the lock to the next waiter; 409 when the token does not hold it.")
            .Produces(StatusCodes.Status204NoContent).ProducesProblem(StatusCodes.Status409Conflict).ProducesValidationProblem();
        group.MapGet("/{name}", async (string name, IGrainFactory grains) =>
        {
            if (new FieldErrors().Check("name", NameError(name)).Problem() is { } invalid)
            {
                return invalid;
            }

            var state = await grains.GetGrain<ILockGrain>(name).GetStateAsync();
            return Results.Ok(new StateResponse(state.Held, state.Owner, state.FencingToken, state.ExpiresAtUtc, state.Waiters));
        }).WithSummary("Reads a lock: holder, fencing token, expiry; consumes nothing.")
            .Produces<StateResponse>().ProducesValidationProblem();
        return endpoints;
    }

    private static async Task<IResult> AcquireAsync(string name, AcquireRequest body, IGrainFactory grains, IOptions<LockOptions> options, HttpContext http)
    {
        var invalid = new FieldErrors()
            .Check("name", NameError(name))
            .Check("owner", OwnerError(body.Owner))
            .Check("leaseMs", LeaseError(body.LeaseMs, options.Value))
            .Check("waitMs", WaitError(body.WaitMs, options.Value))
            .Problem();
        if (invalid is not null)
        {
            return invalid;
        }

        var result = await grains.GetGrain<ILockGrain>(name).AcquireAsync(
            body.Owner!, TimeSpan.FromMilliseconds(body.LeaseMs!.Value), TimeSpan.FromMilliseconds(body.WaitMs ?? 0), http.RequestAborted);
        if (result.Lease is { } lease)
        {
            return Results.Ok(new LeaseResponse(lease.Token, lease.FencingToken, lease.ExpiresAtUtc));
        }

        var retryAfterMs = (long)Math.Ceiling(result.RetryAfter.TotalMilliseconds);
        return Problems.Conflict(
            $"Lock '{name}' was still held when the wait ended; retry after the Retry-After header's seconds.",
            new Dictionary<string, object?> { ["retryAfterMs"] = retryAfterMs, ["holder"] = result.HolderOwner },
            retryAfterSeconds: Math.Max(1, (long)Math.Ceiling(retryAfterMs / 1000.0)));
    }

    private static async Task<IResult> ExtendAsync(string name, ExtendRequest body, IGrainFactory grains, IOptions<LockOptions> options)
    {
        var invalid = new FieldErrors()
            .Check("name", NameError(name))
            .Check("token", TokenError(body.Token))
            .Check("leaseMs", LeaseError(body.LeaseMs, options.Value))
            .Problem();
        if (invalid is not null)
        {
            return invalid;
        }

        var result = await grains.GetGrain<ILockGrain>(name).ExtendAsync(body.Token!, TimeSpan.FromMilliseconds(body.LeaseMs!.Value));
        return result is { Extended: true, ExpiresAtUtc: { } expiresAt }
            ? Results.Ok(new ExtendResponse(expiresAt, result.FencingToken))
            : NotHolder(name);
    }

    private static async Task<IResult> ReleaseAsync(string name, string? token, IGrainFactory grains)
    {
        if (new FieldErrors().Check("name", NameError(name)).Check("token", TokenError(token)).Problem() is { } invalid)
        {
            return invalid;
        }

        return await grains.GetGrain<ILockGrain>(name).ReleaseAsync(token!) ? Results.NoContent() : NotHolder(name);
    }

    private static ProblemResult NotHolder(string name) =>
        Problems.Conflict($"The lease on lock '{name}' expired or belongs to someone else; stop using its fencing token.");

    private static string? NameError(string name) => LockLimits.IsValidName(name)
        ? null
        : $"A lock name of 1-{LockLimits.MaxNameLength} characters without control characters is required.";

    private static string? OwnerError(string? owner) => LockLimits.IsValidOwner(owner)
        ? null
        : $"An owner of 1-{LockLimits.MaxOwnerLength} characters without control characters is required.";

    private static string? TokenError(string? token) => LockLimits.IsValidToken(token)
        ? null
        : $"A token of 1-{LockLimits.MaxTokenLength} characters is required.";

    private static string? LeaseError(long? leaseMs, LockOptions options)
    {
        var maxLeaseMs = (long)options.MaxLease.TotalMilliseconds;
        return leaseMs is { } lease && lease > 0 && lease <= maxLeaseMs
            ? null
            : $"leaseMs must be between 1 and {maxLeaseMs} (OrleansRedis:Locks:MaxLease).";
    }

    private static string? WaitError(long? waitMs, LockOptions options)
    {
        var maxWaitMs = (long)options.MaxWait.TotalMilliseconds;
        return waitMs is < 0 || waitMs > maxWaitMs
            ? $"waitMs must be between 0 and {maxWaitMs} (OrleansRedis:Locks:MaxWait); wait longer by asking again."
            : null;
    }
}
