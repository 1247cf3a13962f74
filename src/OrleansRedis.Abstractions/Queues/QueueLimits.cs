namespace OrleansRedis.Abstractions.Queues;

/// <summary>Input limits of the queue grains that do not depend on configuration.</summary>
public static class QueueLimits
{
    /// <summary>The longest user id a job may name.</summary>
    public const int MaxUserIdLength = 128;

    /// <summary>Gets whether <paramref name="userId"/> can name a job's user: its topic <c>user:{userId}</c> must be a topic name.</summary>
    public static bool IsValidUserId(string? userId) =>
        userId is { Length: > 0 and <= MaxUserIdLength } && Realtime.RealtimeLimits.IsValidTopic(Realtime.RealtimeLimits.UserTopic(userId));

    /// <summary>The longest queue name.</summary>
    public const int MaxQueueNameLength = 100;

    /// <summary>The longest job key (the per-key order unit).</summary>
    public const int MaxKeyLength = 512;

    /// <summary>The longest idempotency key.</summary>
    public const int MaxIdempotencyKeyLength = 256;

    /// <summary>The longest worker name.</summary>
    public const int MaxWorkerLength = 256;

    /// <summary>The longest lease token accepted as input (issued tokens are the epoch, a dot and 22 characters).</summary>
    public const int MaxTokenLength = 128;

    /// <summary>The longest job id accepted as input (issued ids are the partition, a dash and 22 characters).</summary>
    public const int MaxJobIdLength = 64;

    /// <summary>The longest recurring schedule name.</summary>
    public const int MaxScheduleNameLength = 100;

    /// <summary>The longest error text kept with a failed job; a longer one is cut.</summary>
    public const int MaxErrorLength = 8 * 1024;

    /// <summary>The longest progress text kept with an active job.</summary>
    public const int MaxProgressLength = 8 * 1024;

    /// <summary>
    /// Returns whether <paramref name="name"/> is a usable queue name: 1-100 characters from ASCII letters, digits,
    /// <c>-</c>, <c>_</c> and <c>.</c> (it becomes part of Redis keys, grain keys and URLs).
    /// </summary>
    public static bool IsValidQueueName(string? name) => IsSimpleName(name, MaxQueueNameLength);

    /// <summary>Returns whether <paramref name="name"/> is a usable schedule name (the same rules as a queue name).</summary>
    public static bool IsValidScheduleName(string? name) => IsSimpleName(name, MaxScheduleNameLength);

    /// <summary>Returns whether <paramref name="key"/> is a usable job key: 1-512 characters, none of them control characters.</summary>
    public static bool IsValidKey(string? key) => IsText(key, MaxKeyLength);

    /// <summary>Returns whether <paramref name="key"/> is a usable idempotency key: 1-256 characters, none of them control characters.</summary>
    public static bool IsValidIdempotencyKey(string? key) => IsText(key, MaxIdempotencyKeyLength);

    /// <summary>Returns whether <paramref name="worker"/> is a usable worker name: 1-256 characters, none of them control characters.</summary>
    public static bool IsValidWorker(string? worker) => IsText(worker, MaxWorkerLength);

    /// <summary>Returns whether <paramref name="token"/> can be a lease token: 1-128 printable ASCII characters.</summary>
    public static bool IsValidToken(string? token) =>
        token is { Length: > 0 and <= MaxTokenLength } && token.All(c => c is > ' ' and < (char)127);

    /// <summary>
    /// Reads the partition out of a job id (<c>"{partition}-{random}"</c>); <see langword="false"/> when the id is
    /// malformed (then no job has it).
    /// </summary>
    public static bool TryGetPartition(string? jobId, out int partition)
    {
        partition = -1;
        if (jobId is not { Length: > 2 and <= MaxJobIdLength })
        {
            return false;
        }

        var dash = jobId.IndexOf('-', StringComparison.Ordinal);
        if (dash is < 1 or > 4 || dash == jobId.Length - 1)
        {
            return false;
        }

        var value = 0;
        for (var i = 0; i < dash; i++)
        {
            if (jobId[i] is < '0' or > '9')
            {
                return false;
            }

            value = (value * 10) + (jobId[i] - '0');
        }

        for (var i = dash + 1; i < jobId.Length; i++)
        {
            var c = jobId[i];
            if (!(char.IsAsciiLetterOrDigit(c) || c is '-' or '_'))
            {
                return false;
            }
        }

        partition = value;
        return true;
    }

    private static bool IsSimpleName(string? name, int max) =>
        name is { Length: > 0 } && name.Length <= max && name.All(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '_' or '.');

    private static bool IsText(string? value, int max) =>
        value is { Length: > 0 } && value.Length <= max && !value.Any(char.IsControl);
}
