using Microsoft.AspNetCore.Http.Metadata;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.Extensions.Options;
using OrleansRedis.Grains.Queues;
using OrleansRedis.AspNetCore.Security;

namespace OrleansRedis.AspNetCore.Endpoints;

/// <summary>
/// <c>/queues/{queue}</c>: durable jobs. Producers enqueue (one job or a bulk array) and read or cancel jobs; external
/// workers lease jobs with a long poll and heartbeat, complete or fail them with the lease token (409 once the token
/// no longer holds the job); operators read stats, pause and resume, handle dead letters and recurring schedules (with
/// <c>X-Admin-Key</c>). A queue is one declared in <c>OrleansRedis:Queues:Definitions</c> (404 otherwise); every
/// refusal is problem+json and changes nothing.
/// </summary>
public static partial class QueueEndpoints
{
    public static IEndpointRouteBuilder MapQueueEndpoints(this IEndpointRouteBuilder endpoints)
    {
        var queues = endpoints.MapGroup("/queues/{queue}").WithTags("Queues");

        queues.MapPost("/jobs", EnqueueAsync).WithMetadata(new EnqueueBodyLimit(endpoints.ServiceProvider))
            .WithSummary("Enqueues a job {payload, key?, priority?, delayMs?, runAtUtc?, idempotencyKey?, maxAttempts?, backoffMs?, userId?}, or an array of them (bulk); 202 with the job ids, 429 with Retry-After when the queue is full.")
            .Produces<EnqueueResponse>(StatusCodes.Status202Accepted)
            .Produces<BulkEnqueueResponse>(StatusCodes.Status202Accepted)
            .ProducesValidationProblem()
            .ProducesProblem(StatusCodes.Status404NotFound)
            .ProducesProblem(StatusCodes.Status413PayloadTooLarge)
            .ProducesProblem(StatusCodes.Status429TooManyRequests)
            .ProducesProblem(StatusCodes.Status503ServiceUnavailable);
        queues.MapGet("/jobs/{id}", GetJobAsync)
            .WithSummary("Reads a job: state (waiting, delayed, active, completed, failed, dead, cancelled), attempts, last error, result, progress.")
            .Produces<JobResponse>().ProducesValidationProblem().ProducesProblem(StatusCodes.Status404NotFound);
        queues.MapDelete("/jobs/{id}", CancelJobAsync)
            .WithSummary("Cancels a job that has not finished (an active job's lease token is refused from then on); 200 with the job.")
            .Produces<JobResponse>().ProducesValidationProblem().ProducesProblem(StatusCodes.Status404NotFound);

        queues.MapPost("/leases", LeaseAsync)
            .WithSummary("Leases up to max ready jobs for an external worker, waiting up to waitMs (long poll, at most Queues:MaxWait) when none is ready; an empty list after the wait.")
            .Produces<LeasesResponse>().ProducesValidationProblem().ProducesProblem(StatusCodes.Status404NotFound);
        queues.MapPost("/jobs/{id}/heartbeat", HeartbeatAsync)
            .WithSummary("Extends a job's lease (leaseMs from now, the queue's LeaseTime when absent) and records progress; 409 when the token no longer holds the job.")
            .Produces<HeartbeatResponse>().ProducesValidationProblem().ProducesProblem(StatusCodes.Status409Conflict);
        queues.MapPost("/jobs/{id}/complete", CompleteAsync)
            .WithSummary("Completes a job with an optional JSON result; 409 when the token no longer holds the job (do not apply its work).")
            .Produces(StatusCodes.Status204NoContent).ProducesValidationProblem().ProducesProblem(StatusCodes.Status409Conflict);
        queues.MapPost("/jobs/{id}/fail", FailAsync)
            .WithSummary("Fails an attempt: retried after backoff (or retryAfterMs) while attempts remain, else dead with the error kept; 409 when the token no longer holds the job.")
            .Produces<FailResponse>().ProducesValidationProblem().ProducesProblem(StatusCodes.Status409Conflict);

        queues.MapPost("/jobs/{id}/release", ReleaseAsync)
            .WithSummary("Hands a leased job back unrun (a worker that stops): ready again at once, the attempt not counted, its key kept; 409 when the token no longer holds the job.")
            .Produces(StatusCodes.Status204NoContent).ProducesValidationProblem().ProducesProblem(StatusCodes.Status409Conflict);

        queues.MapGet("", StatsAsync)
            .WithSummary("The queue's figures: jobs by state, oldest waiting age, counters since the start (two readings give throughput).")
            .Produces<StatsResponse>().ProducesValidationProblem().ProducesProblem(StatusCodes.Status404NotFound);
        queues.MapPost("/pause", PauseAsync).RequireAdminKey()
            .WithSummary("Stops delivery; enqueues are still accepted and leases in flight stay valid. Needs X-Admin-Key.")
            .Produces(StatusCodes.Status204NoContent).ProducesProblem(StatusCodes.Status404NotFound);
        queues.MapPost("/resume", ResumeAsync).RequireAdminKey()
            .WithSummary("Restarts delivery and wakes waiting workers. Needs X-Admin-Key.")
            .Produces(StatusCodes.Status204NoContent).ProducesProblem(StatusCodes.Status404NotFound);
        queues.MapGet("/dead", DeadAsync)
            .WithSummary("Lists up to limit (default 100) dead jobs with their last error, most recent first.")
            .Produces<DeadJobsResponse>().ProducesValidationProblem().ProducesProblem(StatusCodes.Status404NotFound);
        queues.MapPost("/dead/{id}/retry", RetryDeadAsync).RequireAdminKey()
            .WithSummary("Moves a dead job back to its queue with its attempts reset; 404 when it is not dead. Needs X-Admin-Key.")
            .Produces(StatusCodes.Status204NoContent).ProducesValidationProblem().ProducesProblem(StatusCodes.Status404NotFound);
        queues.MapDelete("/dead", PurgeDeadAsync).RequireAdminKey()
            .WithSummary("Deletes every dead job, or those dead before olderThanUtc. Needs X-Admin-Key.")
            .Produces<PurgedResponse>().ProducesValidationProblem().ProducesProblem(StatusCodes.Status404NotFound);

        queues.MapGet("/schedules", SchedulesAsync)
            .WithSummary("Lists the queue's recurring schedules with their next and last ticks.")
            .Produces<SchedulesResponse>().ProducesProblem(StatusCodes.Status404NotFound);
        queues.MapPut("/schedules/{name}", PutScheduleAsync).RequireAdminKey()
            .WithSummary("Creates or replaces a recurring schedule {cron + timeZone?, or intervalMs; payload, key?, priority?}; each tick enqueues one job, once across the cluster. Needs X-Admin-Key.")
            .Produces<ScheduleResponse>().ProducesValidationProblem().ProducesProblem(StatusCodes.Status404NotFound);
        queues.MapDelete("/schedules/{name}", DeleteScheduleAsync).RequireAdminKey()
            .WithSummary("Deletes a recurring schedule; 404 when there is none. Needs X-Admin-Key.")
            .Produces(StatusCodes.Status204NoContent).ProducesValidationProblem().ProducesProblem(StatusCodes.Status404NotFound);
        return endpoints;
    }

    /// <summary>
    /// Caps enqueue bodies at the larger of the host's body limit (<c>Http:MaxRequestBodyBytes</c>, which bounds a
    /// bulk) and four payload limits, so an oversized upload is cut off with 413 instead of being read in full; a
    /// payload between its limit and the cap gets 400 naming it. Read lazily: mapping must not resolve options before
    /// the host has validated them.
    /// </summary>
    private sealed class EnqueueBodyLimit(IServiceProvider services) : IRequestSizeLimitMetadata
    {
        private long? _limit;

        public long? MaxRequestBodySize => _limit ??= Math.Max(
            services.GetRequiredService<IOptions<KestrelServerOptions>>().Value.Limits.MaxRequestBodySize ?? 0,
            (services.GetRequiredService<IOptions<QueueOptions>>().Value.MaxPayloadBytes * 4L) + 4096);
    }
}
