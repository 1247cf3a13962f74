namespace OrleansRedis.Redis.Operations;

/// <summary>Something in a Redis's memory or persistence settings that can lose data or hurt.</summary>
/// <param name="Code">A stable code scripts can match, e.g. <c>state-evicting-policy</c>.</param>
/// <param name="Severity"><c>critical</c> (data loss possible) or <c>warning</c>.</param>
/// <param name="Message">What is wrong.</param>
/// <param name="Remedy">What to do about it.</param>
public sealed record MemoryWarning(string Code, string Severity, string Message, string Remedy);
