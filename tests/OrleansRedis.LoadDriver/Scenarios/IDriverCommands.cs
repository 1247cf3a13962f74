namespace OrleansRedis.LoadDriver.Scenarios;

/// <summary>A scenario driven by the test: each line read on standard input (other than <c>stop</c>) is one command.</summary>
public interface IDriverCommands
{
    /// <summary>
    /// Starts <paramref name="command"/>; what outlasts the command (callers waiting for a signal, a watch) runs on and
    /// reports through the ledger, so the next command is read at once. A failure is reported as <c>FAILED</c>.
    /// </summary>
    Task RunAsync(string command);
}
