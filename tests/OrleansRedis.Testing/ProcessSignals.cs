using System.Diagnostics;

namespace OrleansRedis.Testing;

/// <summary>Sends POSIX signals to processes: SIGSTOP and SIGCONT freeze and resume a process, as a long GC pause or VM stall would.</summary>
public static class ProcessSignals
{
    /// <summary>Freezes the process.</summary>
    public static Task StopAsync(int processId) => SendAsync("-STOP", processId);

    /// <summary>Resumes a frozen process.</summary>
    public static Task ContinueAsync(int processId) => SendAsync("-CONT", processId);

    private static async Task SendAsync(string signal, int processId)
    {
        using var kill = Process.Start("kill", [signal, processId.ToString()]) ?? throw new InvalidOperationException("kill did not start.");
        await kill.WaitForExitAsync();
        if (kill.ExitCode != 0)
        {
            throw new InvalidOperationException($"kill {signal} {processId} failed with {kill.ExitCode}.");
        }
    }
}
