namespace OrleansRedis.Redis.Operations;

/// <summary>
/// Names the group a key belongs to, so a memory report can say which capability holds the bytes: the project's keys
/// by <c>{prefix}:{kind}</c>, Orleans' keys by <c>{serviceId}/state/{grainType}</c> and <c>{serviceId}/members</c>.
/// </summary>
public static class KeyGroups
{
    /// <summary>Returns the group of <paramref name="key"/>, given the project's key prefix.</summary>
    public static string Of(string key, string projectPrefix)
    {
        if (key.StartsWith(projectPrefix + ":", StringComparison.Ordinal))
        {
            var kindEnd = key.IndexOf(':', projectPrefix.Length + 1);
            return kindEnd < 0 ? key : key[..kindEnd];
        }

        var slash = key.Split('/');
        if (slash.Length >= 3 && slash[1] == "state")
        {
            return $"{slash[0]}/state/{slash[2]}";
        }

        if (slash.Length >= 2 && slash[1] is "members" or "reminders")
        {
            return $"{slash[0]}/{slash[1]}";
        }

        var separator = key.IndexOfAny([':', '/']);
        return separator > 0 ? key[..separator] : "(no prefix)";
    }
}
