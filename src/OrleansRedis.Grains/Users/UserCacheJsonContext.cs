using System.Text.Json.Serialization;

namespace OrleansRedis.Grains.Users;

/// <summary>Source-generated System.Text.Json metadata for <see cref="UserCachePayload"/>.</summary>
[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase)]
[JsonSerializable(typeof(UserCachePayload))]
public sealed partial class UserCacheJsonContext : JsonSerializerContext;
