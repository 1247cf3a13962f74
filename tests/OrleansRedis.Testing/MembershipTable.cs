using System.Text.Json;
using StackExchange.Redis;

namespace OrleansRedis.Testing;

/// <summary>Reads the Orleans membership hash straight from Redis, as an operator would.</summary>
public static class MembershipTable
{
    /// <summary>Orleans' numeric status of an active silo.</summary>
    public const int ActiveStatus = 3;

    /// <summary>Returns the status of every silo row in the hash (the <c>Version</c> field excluded).</summary>
    public static async Task<IReadOnlyDictionary<string, int>> ReadStatusesAsync(IDatabase redis, string key)
    {
        var fields = await redis.HashGetAllAsync(key);
        var statuses = new Dictionary<string, int>();
        foreach (var field in fields.Where(f => f.Name != "Version"))
        {
            using var json = JsonDocument.Parse(field.Value.ToString());
            var status = json.RootElement.GetProperty("Status");
            statuses[field.Name!] = status.ValueKind == JsonValueKind.Number
                ? status.GetInt32()
                : status.GetString() == "Active" ? ActiveStatus : -1;
        }

        return statuses;
    }
}
