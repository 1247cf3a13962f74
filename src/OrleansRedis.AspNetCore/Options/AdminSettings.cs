namespace OrleansRedis.AspNetCore.Options;

/// <summary>Access to the admin endpoints. Bound from <c>OrleansRedis:Admin</c>.</summary>
public sealed class AdminSettings
{
    /// <summary>The configuration section these settings are bound from.</summary>
    public const string SectionName = "OrleansRedis:Admin";

    /// <summary>The shortest key accepted: shorter keys are guessable.</summary>
    public const int MinimumKeyLength = 16;

    /// <summary>
    /// Gets or sets the key callers send in the <c>X-Admin-Key</c> header. A secret: never logged.
    /// </summary>
    /// <value>The default is <see langword="null"/>: every admin request is refused.</value>
    public string? ApiKey { get; set; }

    /// <inheritdoc />
    public override string ToString() => $"ApiKey = {(string.IsNullOrEmpty(ApiKey) ? "(not set)" : "(redacted)")}";
}
