using System.CommandLine;
using OrleansRedis.Cli;
using OrleansRedis.Cli.Commands;

var root = new RootCommand("orleansredis: rate limits, locks, sessions, users, queues, real-time topics and Redis operations over the OrleansRedis HTTP API.")
{
    RateLimitCommands.Build(),
    LockCommands.Build(),
    SessionCommands.Build(),
    UserCommands.Build(),
    QueueCommands.Build(),
    TopicCommands.Build(),
    RedisCommands.Build(),
};
root.Options.Add(GlobalOptions.Url);
root.Options.Add(GlobalOptions.AdminKey);
root.Options.Add(GlobalOptions.Json);

var parse = root.Parse(args);
if (parse.Errors.Count > 0)
{
    foreach (var error in parse.Errors)
    {
        Console.Error.WriteLine(error.Message);
    }

    Console.Error.WriteLine("Run with --help for usage.");
    return CliExitCodes.BadInput;
}

return await parse.InvokeAsync();
