using System.CommandLine;

namespace OrleansRedis.Cli.Commands;

/// <summary><c>session get|delete ID</c> and <c>session list USERID</c>.</summary>
public static class SessionCommands
{
    public static Command Build()
    {
        var id = new Argument<string>("id") { Description = "The session id." };
        var user = new Argument<string>("user-id") { Description = "The user id." };

        var get = new Command("get", "Read a session (slides its idle timeout). Exit 4 when unknown or expired.") { id };
        get.SetAction((parse, ct) => GlobalOptions.CallAsync(parse, HttpMethod.Get, $"/sessions/{GlobalOptions.Segment(parse.GetValue(id)!)}", null, ct));

        var delete = new Command("delete", "Destroy a session.") { id };
        delete.SetAction((parse, ct) => GlobalOptions.CallAsync(parse, HttpMethod.Delete, $"/sessions/{GlobalOptions.Segment(parse.GetValue(id)!)}", null, ct));

        var list = new Command("list", "List a user's live sessions (no raw ids).") { user };
        list.SetAction((parse, ct) => GlobalOptions.CallAsync(parse, HttpMethod.Get, $"/users/{GlobalOptions.Segment(parse.GetValue(user)!)}/sessions", null, ct));

        return new Command("session", "Sessions.") { get, delete, list };
    }
}
