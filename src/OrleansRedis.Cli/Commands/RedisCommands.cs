using System.CommandLine;

namespace OrleansRedis.Cli.Commands;

/// <summary><c>redis memory|bigkeys|maxmemory</c> (admin).</summary>
public static class RedisCommands
{
    public static Command Build()
    {
        var role = new Option<string?>("--role") { Description = "state or cache (memory: both when omitted; bigkeys: state)." };

        var memory = new Command("memory", "Memory, eviction and persistence report with warnings.") { role };
        memory.SetAction((parse, ct) => GlobalOptions.CallAsync(parse, HttpMethod.Get,
            parse.GetValue(role) is { } r ? $"/admin/redis/memory?role={GlobalOptions.Segment(r)}" : "/admin/redis/memory", null, ct));

        var top = new Option<int>("--top") { Description = "How many keys to list.", DefaultValueFactory = _ => 20 };
        var maxKeys = new Option<int>("--max-keys") { Description = "Stop after measuring this many keys.", DefaultValueFactory = _ => 100_000 };
        var bigKeys = new Command("bigkeys", "The biggest keys by bytes, and totals per key group.") { role, top, maxKeys };
        bigKeys.SetAction((parse, ct) => GlobalOptions.CallAsync(parse, HttpMethod.Get,
            $"/admin/redis/bigkeys?role={GlobalOptions.Segment(parse.GetValue(role) ?? "state")}&top={parse.GetValue(top)}&maxKeys={parse.GetValue(maxKeys)}", null, ct));

        var size = new Option<string?>("--max-memory") { Description = "New maxmemory, e.g. 256mb (0 = unlimited)." };
        var policy = new Option<string?>("--policy") { Description = "New maxmemory-policy, e.g. noeviction or allkeys-lru." };
        var force = new Option<bool>("--force") { Description = "Allow an evicting policy on the State Redis (it can delete sessions, locks and state)." };
        var maxMemory = new Command("maxmemory", "Set maxmemory and/or the eviction policy of one role. Exit 3 when refused.") { role, size, policy, force };
        maxMemory.SetAction((parse, ct) => GlobalOptions.CallAsync(parse, HttpMethod.Put, "/admin/redis/maxmemory",
            new { role = parse.GetValue(role) ?? "state", maxMemory = parse.GetValue(size), policy = parse.GetValue(policy), force = parse.GetValue(force) }, ct));

        return new Command("redis", "Redis operations (need --admin-key).") { memory, bigKeys, maxMemory };
    }
}
