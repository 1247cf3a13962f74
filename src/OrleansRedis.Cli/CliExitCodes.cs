namespace OrleansRedis.Cli;

/// <summary>Exit codes scripts can branch on.</summary>
public static class CliExitCodes
{
    /// <summary>The operation succeeded (allowed, acquired, found, applied).</summary>
    public const int Ok = 0;

    /// <summary>Unexpected failure: the server could not be reached or answered 5xx other than 503.</summary>
    public const int Failure = 1;

    /// <summary>Bad usage or input: the command line did not parse, or the server answered 400.</summary>
    public const int BadInput = 2;

    /// <summary>Refused: rate limit denied (429), lock held or token stale (409), guard refused (409).</summary>
    public const int Refused = 3;

    /// <summary>Not found (404): no such session, user, policy.</summary>
    public const int NotFound = 4;

    /// <summary>Not allowed (401/403): missing or wrong admin key.</summary>
    public const int Unauthorized = 5;

    /// <summary>The backend is temporarily unavailable (503): retry later.</summary>
    public const int Unavailable = 6;

    /// <summary>Maps an HTTP status to an exit code.</summary>
    public static int FromStatus(int status) => status switch
    {
        >= 200 and < 300 => Ok,
        400 or 413 or 415 or 422 => BadInput,
        401 or 403 => Unauthorized,
        404 => NotFound,
        409 or 429 => Refused,
        503 => Unavailable,
        _ => Failure,
    };
}
