using System.CommandLine;

namespace OrleansRedis.Cli.Commands;

/// <summary><c>ratelimit check|peek|reset POLICY KEY</c>.</summary>
public static class RateLimitCommands
{
    public static Command Build()
    {
        var policy = new Argument<string>("policy") { Description = "The rate-limit policy name." };
        var key = new Argument<string>("key") { Description = "The subject being limited (user, IP, API key...)." };
        var cost = new Option<int>("--cost") { Description = "How many units this request costs.", DefaultValueFactory = _ => 1 };

        var check = new Command("check", "Consume COST units; exit 0 when allowed, 3 when denied.") { policy, key, cost };
        check.SetAction((parse, ct) => GlobalOptions.CallAsync(parse, HttpMethod.Post,
            $"/ratelimit/{GlobalOptions.Segment(parse.GetValue(policy)!)}/{GlobalOptions.Segment(parse.GetValue(key)!)}?cost={parse.GetValue(cost)}", null, ct));

        var peek = new Command("peek", "Show the current state without consuming.") { policy, key };
        peek.SetAction((parse, ct) => GlobalOptions.CallAsync(parse, HttpMethod.Get,
            $"/ratelimit/{GlobalOptions.Segment(parse.GetValue(policy)!)}/{GlobalOptions.Segment(parse.GetValue(key)!)}", null, ct));

        var reset = new Command("reset", "Forget the key's window (admin).") { policy, key };
        reset.SetAction((parse, ct) => GlobalOptions.CallAsync(parse, HttpMethod.Delete,
            $"/ratelimit/{GlobalOptions.Segment(parse.GetValue(policy)!)}/{GlobalOptions.Segment(parse.GetValue(key)!)}", null, ct));

        return new Command("ratelimit", "Rate limiting.") { check, peek, reset };
    }
}
