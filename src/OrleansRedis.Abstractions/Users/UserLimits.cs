using System.Text.RegularExpressions;

namespace OrleansRedis.Abstractions.Users;

/// <summary>
/// Input rules for users, shared by the HTTP layer (which answers 400) and the grain (which throws
/// <see cref="ArgumentException"/>), so both reject exactly the same input.
/// </summary>
public static partial class UserLimits
{
    /// <summary>The longest user id.</summary>
    public const int MaxIdLength = 64;

    /// <summary>The longest name.</summary>
    public const int MaxNameLength = 100;

    /// <summary>The longest e-mail address (RFC 5321's path limit).</summary>
    public const int MaxEmailLength = 254;

    /// <summary>Returns why <paramref name="id"/> is not a valid user id, or <see langword="null"/> when it is.</summary>
    public static string? IdError(string? id) =>
        id is not null && IdPattern().IsMatch(id)
            ? null
            : $"An id of 1-{MaxIdLength} characters of letters, digits, '.', '_' or '-' is required.";

    /// <summary>Returns why <paramref name="name"/> is not a valid name, or <see langword="null"/> when it is.</summary>
    public static string? NameError(string? name) =>
        string.IsNullOrWhiteSpace(name) || name.Length > MaxNameLength || name.Any(char.IsControl)
            ? $"A name of 1-{MaxNameLength} characters without control characters is required."
            : null;

    /// <summary>Returns why <paramref name="email"/> is not a valid address, or <see langword="null"/> when it is.</summary>
    public static string? EmailError(string? email) =>
        email is not null && email.Length <= MaxEmailLength && EmailPattern().IsMatch(email)
            ? null
            : $"An e-mail address of at most {MaxEmailLength} characters, like name@example.com, is required.";

    /// <summary>Throws <see cref="ArgumentException"/> naming the first invalid argument.</summary>
    public static void ThrowIfInvalid(string id, string? name = null, string? email = null, bool checkFields = false)
    {
        if (IdError(id) is { } idError)
        {
            throw new ArgumentException(idError, nameof(id));
        }

        if (!checkFields)
        {
            return;
        }

        if (NameError(name) is { } nameError)
        {
            throw new ArgumentException(nameError, nameof(name));
        }

        if (EmailError(email) is { } emailError)
        {
            throw new ArgumentException(emailError, nameof(email));
        }
    }

    [GeneratedRegex("^[A-Za-z0-9._-]{1,64}$")]
    private static partial Regex IdPattern();

    // Deliberately simple: one '@', no spaces, a dot in the domain. Deliverability is proven by sending mail, not by a regex.
    [GeneratedRegex(@"^[^@\s\p{C}]+@[^@\s\p{C}]+\.[^@\s\p{C}.]+$")]
    private static partial Regex EmailPattern();
}
