using System.CommandLine;

namespace OrleansRedis.Cli.Commands;

/// <summary><c>user get ID</c>.</summary>
public static class UserCommands
{
    public static Command Build()
    {
        var id = new Argument<string>("id") { Description = "The user id." };

        var get = new Command("get", "Read a user (through memory, the Redis cache, then the database). Exit 4 when unknown.") { id };
        get.SetAction((parse, ct) => GlobalOptions.CallAsync(parse, HttpMethod.Get, $"/users/{GlobalOptions.Segment(parse.GetValue(id)!)}", null, ct));

        return new Command("user", "Users.") { get };
    }
}
