using System.Text.RegularExpressions;
using Microsoft.AspNetCore.Mvc;
using Orleans.Runtime;
using OrleansRedis.Abstractions.Errors;
using OrleansRedis.Abstractions.Locks;
using OrleansRedis.Abstractions.Queues;
using OrleansRedis.Abstractions.RateLimiting;
using OrleansRedis.Abstractions.Realtime;
using OrleansRedis.Abstractions.Sessions;
using OrleansRedis.Abstractions.Users;
using OrleansRedis.Redis;
using OrleansRedis.Redis.Operations;
using StackExchange.Redis;

namespace OrleansRedis.AspNetCore.Errors;

/// <summary>
/// The problem vocabulary of the HTTP API: every error answer is built here, with one title and one <c>type</c> per
/// kind, so a client can branch on <c>status</c> (or <c>type</c>) and read <c>detail</c> for the specifics.
/// <list type="table">
/// <listheader><term>Kind</term><description>Status, and what the body carries</description></listheader>
/// <item><term><see cref="Invalid(IDictionary{string, string[]}, string?)"/></term><description>400, <c>errors</c>: field → messages. Nothing was changed.</description></item>
/// <item><term><see cref="NotFound"/></term><description>404.</description></item>
/// <item><term><see cref="Conflict"/></term><description>409: the request is well formed but the state refuses it (held lock, stale version, taken id).</description></item>
/// <item><term><see cref="PreconditionFailed"/></term><description>412: an <c>If-Match</c> the current state does not meet; <c>currentVersion</c> when known.</description></item>
/// <item><term><see cref="TooManyRequests"/></term><description>429 with <c>Retry-After</c> and <c>retryAfterMs</c>: nothing was done (a full queue); the same request may succeed later.</description></item>
/// <item><term><see cref="Unavailable"/></term><description>503 with <c>Retry-After</c> and <c>backend</c> (what was unreachable); safe to retry.</description></item>
/// </list>
/// Rate-limit denials (429 with the decision as the body) and oversized bodies (413) keep their own answers. The
/// exception table <see cref="FromException"/> is the one place a typed exception becomes a status: the endpoint
/// filter (<see cref="ProblemEndpointFilter"/>) and the exception handler (<see cref="ProblemExceptionHandler"/>) both use it.
/// </summary>
public static partial class Problems
{
    /// <summary>The title of a 400: the request failed validation; <c>errors</c> names each field.</summary>
    public const string InvalidTitle = "The request is invalid.";

    /// <summary>The title of a 404.</summary>
    public const string NotFoundTitle = "The resource was not found.";

    /// <summary>The title of a 409.</summary>
    public const string ConflictTitle = "The request conflicts with the current state.";

    /// <summary>The title of a 412.</summary>
    public const string PreconditionFailedTitle = "A precondition of the request does not hold.";

    /// <summary>The title of a 429 problem (a full queue; rate-limit denials answer their decision instead).</summary>
    public const string TooManyRequestsTitle = "Too many requests: try again after Retry-After.";

    /// <summary>The title of a 503.</summary>
    public const string UnavailableTitle = "The service is temporarily unavailable.";

    /// <summary>The title of a 401 from an admin endpoint.</summary>
    public const string UnauthorizedTitle = "Authentication is required.";

    /// <summary>The title of a 403 from an admin endpoint.</summary>
    public const string ForbiddenTitle = "The operation is not allowed.";

    /// <summary>The title of a 502: a backend refused a command this host depends on.</summary>
    public const string BadGatewayTitle = "A backend refused the request.";

    /// <summary>The title of a 500.</summary>
    public const string UnexpectedTitle = "An unexpected error occurred.";

    /// <summary>The <c>type</c> of a 400.</summary>
    public const string InvalidType = "https://tools.ietf.org/html/rfc9110#section-15.5.1";

    /// <summary>The <c>type</c> of a 404.</summary>
    public const string NotFoundType = "https://tools.ietf.org/html/rfc9110#section-15.5.5";

    /// <summary>The <c>type</c> of a 409.</summary>
    public const string ConflictType = "https://tools.ietf.org/html/rfc9110#section-15.5.10";

    /// <summary>The <c>type</c> of a 412.</summary>
    public const string PreconditionFailedType = "https://tools.ietf.org/html/rfc9110#section-15.5.13";

    /// <summary>The <c>type</c> of a 429 problem.</summary>
    public const string TooManyRequestsType = "https://tools.ietf.org/html/rfc6585#section-4";

    /// <summary>The <c>type</c> of a 503.</summary>
    public const string UnavailableType = "https://tools.ietf.org/html/rfc9110#section-15.6.4";

    /// <summary>The extension naming what was unreachable in a 503: <c>redis</c>, <c>database</c> or <c>cluster</c>.</summary>
    public const string BackendExtension = "backend";

    /// <summary>The field a 400 names when no single field is to blame.</summary>
    public const string RequestField = "request";

    /// <summary>The field a 400 names when the body could not be read (missing, not JSON, wrong shape).</summary>
    public const string BodyField = "body";

    /// <summary>The <c>Retry-After</c> a 503 carries unless the caller knows better.</summary>
    public const long DefaultRetryAfterSeconds = 1;

    /// <summary>A 400 naming the invalid fields.</summary>
    /// <param name="errors">Field (as the client names it) → what a valid value is.</param>
    /// <param name="detail">A sentence about the whole request, if any.</param>
    public static ProblemResult Invalid(IDictionary<string, string[]> errors, string? detail = null) =>
        new(new HttpValidationProblemDetails(errors)
        {
            Status = StatusCodes.Status400BadRequest,
            Title = InvalidTitle,
            Type = InvalidType,
            Detail = detail,
        }, retryAfterSeconds: null);

    /// <summary>A 400 naming one invalid field.</summary>
    public static ProblemResult Invalid(string field, string error) =>
        Invalid(new Dictionary<string, string[]>(StringComparer.Ordinal) { [field] = [error] });

    /// <summary>A 404.</summary>
    /// <param name="detail">What was not found, e.g. <c>User 'x' does not exist.</c></param>
    public static ProblemResult NotFound(string detail) =>
        Create(StatusCodes.Status404NotFound, NotFoundTitle, NotFoundType, detail);

    /// <summary>A 409.</summary>
    /// <param name="detail">Why the state refuses the request.</param>
    /// <param name="extensions">Fields a client can act on (e.g. <c>currentVersion</c>), or <see langword="null"/>.</param>
    /// <param name="retryAfterSeconds">A <c>Retry-After</c> when waiting may resolve the conflict (a held lock).</param>
    public static ProblemResult Conflict(string detail, IDictionary<string, object?>? extensions = null, long? retryAfterSeconds = null) =>
        Create(StatusCodes.Status409Conflict, ConflictTitle, ConflictType, detail, extensions, retryAfterSeconds);

    /// <summary>A 412: the state does not meet the request's <c>If-Match</c>; nothing was changed.</summary>
    /// <param name="detail">Which condition failed, e.g. the version asked for and the current one.</param>
    /// <param name="currentVersion">The current version, when known, as the <c>currentVersion</c> extension.</param>
    public static ProblemResult PreconditionFailed(string detail, long? currentVersion = null) =>
        Create(
            StatusCodes.Status412PreconditionFailed, PreconditionFailedTitle, PreconditionFailedType, detail,
            currentVersion is { } version ? new Dictionary<string, object?>(StringComparer.Ordinal) { ["currentVersion"] = version } : null);

    /// <summary>A 429 with <c>Retry-After</c> and <c>retryAfterMs</c>: nothing was done, and the same request may succeed later.</summary>
    /// <param name="detail">What is at its limit, e.g. the queue's depth cap.</param>
    /// <param name="retryAfter">How long to wait; <c>Retry-After</c> is its whole seconds rounded up (at least 1).</param>
    public static ProblemResult TooManyRequests(string detail, TimeSpan retryAfter)
    {
        var retryAfterMs = Math.Max(0, (long)Math.Ceiling(retryAfter.TotalMilliseconds));
        return Create(
            StatusCodes.Status429TooManyRequests, TooManyRequestsTitle, TooManyRequestsType, detail,
            new Dictionary<string, object?>(StringComparer.Ordinal) { ["retryAfterMs"] = retryAfterMs },
            Math.Max(1, (long)Math.Ceiling(retryAfterMs / 1000.0)));
    }

    /// <summary>A 503 with <c>Retry-After</c>: nothing acknowledged happened, and the same request may succeed later.</summary>
    /// <param name="detail">The reason, e.g. the Redis failure.</param>
    /// <param name="backend">What was unreachable: <c>redis</c>, <c>database</c> or <c>cluster</c>.</param>
    /// <param name="retryAfterSeconds">The <c>Retry-After</c> seconds (at least 1).</param>
    public static ProblemResult Unavailable(string detail, string backend, long retryAfterSeconds = DefaultRetryAfterSeconds) =>
        Create(
            StatusCodes.Status503ServiceUnavailable, UnavailableTitle, UnavailableType, detail,
            new Dictionary<string, object?>(StringComparer.Ordinal) { [BackendExtension] = backend },
            Math.Max(1, retryAfterSeconds));

    /// <summary>A problem of any status, titled from the vocabulary when the status is in it.</summary>
    public static ProblemResult ForStatus(int status, string? detail) => status switch
    {
        // A 400 always names what is wrong; "request" when no single field is to blame.
        StatusCodes.Status400BadRequest => Invalid(RequestField, detail ?? InvalidTitle),
        StatusCodes.Status404NotFound => Create(status, NotFoundTitle, NotFoundType, detail),
        StatusCodes.Status409Conflict => Create(status, ConflictTitle, ConflictType, detail),
        StatusCodes.Status412PreconditionFailed => Create(status, PreconditionFailedTitle, PreconditionFailedType, detail),
        StatusCodes.Status503ServiceUnavailable => Create(status, UnavailableTitle, UnavailableType, detail, retryAfterSeconds: DefaultRetryAfterSeconds),
        _ => Create(status, TitleFor(status), type: null, detail),
    };

    /// <summary>
    /// Gets the vocabulary's title for <paramref name="status"/>; <see langword="null"/> for a status outside it (413,
    /// 405...), which keeps the framework's title.
    /// </summary>
    public static string? TitleFor(int status) => status switch
    {
        StatusCodes.Status400BadRequest => InvalidTitle,
        StatusCodes.Status401Unauthorized => UnauthorizedTitle,
        StatusCodes.Status403Forbidden => ForbiddenTitle,
        StatusCodes.Status404NotFound => NotFoundTitle,
        StatusCodes.Status409Conflict => ConflictTitle,
        StatusCodes.Status412PreconditionFailed => PreconditionFailedTitle,
        StatusCodes.Status429TooManyRequests => TooManyRequestsTitle,
        StatusCodes.Status500InternalServerError => UnexpectedTitle,
        StatusCodes.Status502BadGateway => BadGatewayTitle,
        StatusCodes.Status503ServiceUnavailable => UnavailableTitle,
        _ => null,
    };

    /// <summary>
    /// The one exception table: maps a failure to its problem, or <see langword="null"/> when it is not an expected
    /// failure (a bug: the exception handler answers 500 without details). Orleans wrappers are looked through.
    /// </summary>
    public static ProblemResult? FromException(Exception exception) => exception switch
    {
        BadHttpRequestException { StatusCode: StatusCodes.Status400BadRequest } bad => Invalid(BindingField(bad.Message), bad.Message),
        BadHttpRequestException bad => ForStatus(bad.StatusCode, bad.Message),

        // Validation throws ArgumentException naming its parameter; a null argument, or one that names no parameter
        // (a duplicate dictionary key...), is a bug: 500, logged.
        ArgumentNullException => null,
        ArgumentException { ParamName: { Length: > 0 } parameter } argument => Invalid(parameter, ValidationMessage(argument, parameter)),
        BackendUnavailableException unavailable => Unavailable(unavailable.Message, unavailable.Backend),

        UserException { Code: UserErrorCode.NotFound } user => NotFound(user.Message),
        UserException { Code: UserErrorCode.AlreadyExists } user => Conflict(user.Message),
        UserException { Code: UserErrorCode.VersionConflict } user =>
            Conflict(user.Message, new Dictionary<string, object?>(StringComparer.Ordinal) { ["currentVersion"] = user.CurrentVersion }),
        UserException user => Unavailable(user.Message, "database"),

        SessionException { Error: SessionError.InvalidData or SessionError.DataTooLarge } session => Invalid("data", session.Message),
        SessionException { Error: SessionError.InvalidTimeout } session => Invalid("timeout", session.Message),
        SessionException { Error: SessionError.InvalidUserId } session => Invalid("userId", session.Message),
        SessionException { Error: SessionError.InvalidKey } session => Invalid("sessionId", session.Message),
        SessionException session => Conflict(session.Message),

        LockException { Code: LockErrorCode.Unavailable } @lock => Unavailable(@lock.Message, "redis"),
        LockException @lock => Conflict(@lock.Message),

        QueueException { Code: QueueErrorCode.UnknownQueue or QueueErrorCode.NotFound } queue => NotFound(queue.Message),
        QueueException { Code: QueueErrorCode.LeaseLost } queue => Conflict(queue.Message),
        QueueException { Code: QueueErrorCode.Invalid } queue => Invalid(queue.Field ?? RequestField, queue.Message),
        QueueException { Code: QueueErrorCode.QueueFull } queue => TooManyRequests(queue.Message, queue.RetryAfter ?? TimeSpan.FromSeconds(DefaultRetryAfterSeconds)),
        QueueException { Code: QueueErrorCode.Unavailable } queue => Unavailable(queue.Message, "redis"),

        RateLimitException { Code: RateLimitErrorCode.UnknownPolicy } rateLimit => NotFound(rateLimit.Message),
        RateLimitException { Code: RateLimitErrorCode.Unavailable } rateLimit => Unavailable(rateLimit.Message, "redis"),
        RateLimitException rateLimit => Invalid("key", rateLimit.Message),

        RealtimeException realtime => Invalid(RealtimeField(realtime.Code), realtime.Message),

        EvictionGuardException guard => Conflict(guard.Message),
        RedisConfigUnavailableException config => Create(StatusCodes.Status502BadGateway, BadGatewayTitle, type: null, config.Message),

        RedisException => Unavailable(exception.Message, "redis"),

        // Orleans' grain-call response timeout is a TimeoutException too: only StackExchange.Redis' is Redis'.
        TimeoutException timeout => Unavailable(exception.Message, RedisFailures.IsRedisTimeout(timeout) ? "redis" : "cluster"),
        SiloUnavailableException or OrleansMessageRejectionException => Unavailable(exception.Message, "cluster"),
        OrleansException { InnerException: { } inner } => FromException(inner),
        OrleansException => Unavailable(exception.Message, "cluster"),
        _ => null,
    };

    /// <summary>The request field a real-time refusal is about.</summary>
    private static string RealtimeField(RealtimeErrorCode code) => code switch
    {
        RealtimeErrorCode.InvalidTopic => "topic",
        RealtimeErrorCode.InvalidType => "type",
        RealtimeErrorCode.InvalidPayload => "data",
        RealtimeErrorCode.InvalidEventId => "after",
        RealtimeErrorCode.InvalidRoom => "room",
        RealtimeErrorCode.InvalidMember => "member",
        RealtimeErrorCode.InvalidTtl => "ttlSeconds",
        _ => RequestField,
    };

    /// <summary>
    /// Names the field of a binding failure from the framework's message: <c>body</c> when the body could not be read,
    /// the parameter (<c>Required parameter "string name" was not provided...</c>) otherwise.
    /// </summary>
    private static string BindingField(string message)
    {
        if (message.Contains(" body", StringComparison.OrdinalIgnoreCase))
        {
            return BodyField;
        }

        var match = BindingParameter().Match(message);
        return match.Success ? match.Groups[1].Value : RequestField;
    }

    [GeneratedRegex("parameter \"[^\"]* ([A-Za-z_][A-Za-z0-9_]*)\"")]
    private static partial Regex BindingParameter();

    /// <summary>The validation message of <paramref name="argument"/> without the framework's "(Parameter 'x')" suffix.</summary>
    private static string ValidationMessage(ArgumentException argument, string parameter)
    {
        var message = argument.Message;
        var suffix = message.IndexOf($" (Parameter '{parameter}')", StringComparison.Ordinal);
        return suffix > 0 ? message[..suffix] : message;
    }

    private static ProblemResult Create(
        int status, string? title, string? type, string? detail, IDictionary<string, object?>? extensions = null, long? retryAfterSeconds = null)
    {
        var details = new ProblemDetails { Status = status, Title = title, Type = type, Detail = detail };
        if (extensions is not null)
        {
            foreach (var (name, value) in extensions)
            {
                details.Extensions[name] = value;
            }
        }

        return new ProblemResult(details, retryAfterSeconds);
    }
}
