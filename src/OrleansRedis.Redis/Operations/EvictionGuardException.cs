namespace OrleansRedis.Redis.Operations;

/// <summary>An evicting policy was asked for on the State Redis without <c>force</c>.</summary>
public sealed class EvictionGuardException(string message) : Exception(message);
