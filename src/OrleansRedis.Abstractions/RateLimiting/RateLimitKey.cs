using System.Diagnostics.CodeAnalysis;

namespace OrleansRedis.Abstractions.RateLimiting;

/// <summary>
/// The key of an <see cref="IRateLimitGrain"/>: <c>"{policy}/{subject}"</c>. Policy names are 1-64 letters, digits,
/// '.', '_' or '-'; a subject (a user id, an API key, an IP address...) is 1-<see cref="MaxSubjectLength"/> printable
/// characters and may itself contain '/'.
/// </summary>
public static class RateLimitKey
{
    /// <summary>The longest policy name.</summary>
    public const int MaxPolicyLength = 64;

    /// <summary>The longest subject.</summary>
    public const int MaxSubjectLength = 256;

    /// <summary>Builds the grain key of <paramref name="subject"/> under <paramref name="policy"/>.</summary>
    /// <exception cref="ArgumentException">The policy name or the subject is not valid.</exception>
    public static string Compose(string policy, string subject)
    {
        if (PolicyError(policy) is { } policyError)
        {
            throw new ArgumentException(policyError, nameof(policy));
        }

        if (SubjectError(subject) is { } subjectError)
        {
            throw new ArgumentException(subjectError, nameof(subject));
        }

        return $"{policy}/{subject}";
    }

    /// <summary>Splits a grain key into its policy and subject; false when either part is not valid.</summary>
    public static bool TryParse(string? key, [NotNullWhen(true)] out string? policy, [NotNullWhen(true)] out string? subject)
    {
        policy = subject = null;
        var slash = key?.IndexOf('/') ?? -1;
        if (key is null || slash < 0)
        {
            return false;
        }

        var candidatePolicy = key[..slash];
        var candidateSubject = key[(slash + 1)..];
        if (PolicyError(candidatePolicy) is not null || SubjectError(candidateSubject) is not null)
        {
            return false;
        }

        (policy, subject) = (candidatePolicy, candidateSubject);
        return true;
    }

    /// <summary>Says what is wrong with a policy name; <see langword="null"/> when it is valid.</summary>
    public static string? PolicyError(string? policy) =>
        string.IsNullOrEmpty(policy) || policy.Length > MaxPolicyLength
        || policy.Any(c => !char.IsAsciiLetterOrDigit(c) && c is not '.' and not '_' and not '-')
            ? $"A policy name is 1-{MaxPolicyLength} characters of letters, digits, '.', '_' or '-'."
            : null;

    /// <summary>Says what is wrong with a subject; <see langword="null"/> when it is valid.</summary>
    public static string? SubjectError(string? subject) =>
        string.IsNullOrWhiteSpace(subject) || subject.Length > MaxSubjectLength || subject.Any(char.IsControl)
            ? $"A subject is 1-{MaxSubjectLength} printable characters, not all white space."
            : null;
}
