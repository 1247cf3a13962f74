using System.Text.Json;

namespace OrleansRedis.Cli;

/// <summary>An HTTP answer: status, JSON body (problem+json on errors) and headers.</summary>
public sealed record ApiResponse(int Status, JsonElement? Body, IReadOnlyDictionary<string, string> Headers);
