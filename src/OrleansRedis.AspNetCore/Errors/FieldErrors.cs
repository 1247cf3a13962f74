namespace OrleansRedis.AspNetCore.Errors;

/// <summary>
/// Collects the field errors of one request, the one validation style of every endpoint. Each rule is a function that
/// returns an error message, or <see langword="null"/> when the value is fine; the endpoint chains them and returns
/// the problem when there is one:
/// <code>
/// if (new FieldErrors().Check("name", NameError(name)).Check("leaseMs", LeaseError(body.LeaseMs)).Problem() is { } invalid)
/// {
///     return invalid;
/// }
/// </code>
/// A value type that allocates nothing until a rule fails, so valid requests on hot paths pay nothing for it.
/// </summary>
public readonly struct FieldErrors
{
    private readonly Dictionary<string, string[]>? _errors;

    private FieldErrors(Dictionary<string, string[]> errors) => _errors = errors;

    /// <summary>Gets whether no rule has failed.</summary>
    public bool IsValid => _errors is null;

    /// <summary>Records <paramref name="error"/> against <paramref name="field"/> unless it is <see langword="null"/>.</summary>
    /// <param name="field">The field as the client names it: the route or query parameter, or the camelCase body property.</param>
    /// <param name="error">The rule's verdict: a message saying what a valid value is, or <see langword="null"/>.</param>
    /// <returns>The collector with the error added (this one when there is none).</returns>
    public FieldErrors Check(string field, string? error)
    {
        if (error is null)
        {
            return this;
        }

        var errors = _errors ?? new Dictionary<string, string[]>(StringComparer.Ordinal);
        errors[field] = errors.TryGetValue(field, out var existing) ? [.. existing, error] : [error];
        return new FieldErrors(errors);
    }

    /// <summary>Gets the 400 validation problem naming every failed field, or <see langword="null"/> when all passed.</summary>
    public ProblemResult? Problem() => _errors is null ? null : Problems.Invalid(_errors);
}
