using System.CommandLine;

namespace OrleansRedis.Cli.Commands;

/// <summary><c>lock acquire|release|extend|show NAME</c>.</summary>
public static class LockCommands
{
    public static Command Build()
    {
        var name = new Argument<string>("name") { Description = "The lock name." };
        var owner = new Option<string>("--owner") { Description = "Who holds it (for people reading the state).", DefaultValueFactory = _ => $"cli@{Environment.MachineName}" };
        var lease = new Option<int>("--lease-ms") { Description = "Lease length in milliseconds.", DefaultValueFactory = _ => 30_000 };
        var wait = new Option<int>("--wait-ms") { Description = "How long to wait for a held lock.", DefaultValueFactory = _ => 0 };
        var token = new Option<string>("--token") { Description = "The token acquire returned.", Required = true };

        var acquire = new Command("acquire", "Acquire the lock; prints the token and fencing token. Exit 3 when still held after --wait-ms.") { name, owner, lease, wait };
        acquire.SetAction((parse, ct) => GlobalOptions.CallAsync(parse, HttpMethod.Post, $"/locks/{GlobalOptions.Segment(parse.GetValue(name)!)}",
            new { owner = parse.GetValue(owner), leaseMs = parse.GetValue(lease), waitMs = parse.GetValue(wait) }, ct));

        var release = new Command("release", "Release the lock held with --token. Exit 3 when the token no longer holds it.") { name, token };
        release.SetAction((parse, ct) => GlobalOptions.CallAsync(parse, HttpMethod.Delete,
            $"/locks/{GlobalOptions.Segment(parse.GetValue(name)!)}?token={GlobalOptions.Segment(parse.GetValue(token)!)}", null, ct));

        var extend = new Command("extend", "Extend the lease held with --token.") { name, token, lease };
        extend.SetAction((parse, ct) => GlobalOptions.CallAsync(parse, HttpMethod.Post, $"/locks/{GlobalOptions.Segment(parse.GetValue(name)!)}/extend",
            new { token = parse.GetValue(token), leaseMs = parse.GetValue(lease) }, ct));

        var show = new Command("show", "Show who holds the lock.") { name };
        show.SetAction((parse, ct) => GlobalOptions.CallAsync(parse, HttpMethod.Get, $"/locks/{GlobalOptions.Segment(parse.GetValue(name)!)}", null, ct));

        return new Command("lock", "Distributed locks.") { acquire, release, extend, show };
    }
}
