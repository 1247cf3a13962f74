namespace OrleansRedis.Redis.Operations;

/// <summary>The Redis refuses CONFIG (managed services often rename or forbid it), so a setting cannot be read or changed here.</summary>
public sealed class RedisConfigUnavailableException(string message, Exception? inner = null) : Exception(message, inner);
