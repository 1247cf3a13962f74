using OrleansRedis.Abstractions.Sessions;

namespace OrleansRedis.LoadDriver.Scenarios;

/// <summary>
/// Session writes under load: each worker owns a session and merges increasing numbers into 256 rotating fields,
/// printing <c>ACK session ID#FIELD VALUE ms</c>, so the test can check that every field holds at least its last
/// acknowledged value.
/// </summary>
public sealed class SessionMergesScenario(string runId) : IDriverScenario
{
    private const int Fields = 256;

    /// <inheritdoc />
    public async Task RunWorkerAsync(int worker, IGrainFactory grains, Ledger ledger, CancellationToken cancellationToken)
    {
        string? sessionId = null;
        while (sessionId is null && !cancellationToken.IsCancellationRequested)
        {
            await ledger.RecordAsync("session-create", $"{runId}-w{worker}", "-", async () =>
                sessionId = (await grains.CreateSessionAsync(new SessionDraft($"{runId}-user-{worker}", "{}"))).SessionId);
        }

        for (long value = 1; !cancellationToken.IsCancellationRequested; value++)
        {
            var field = value % Fields;
            if (!await ledger.RecordAsync("session", $"{sessionId}#f{field}", value.ToString(), () =>
                grains.GetSession(sessionId!).MergeDataAsync($"{{\"f{field}\":{value}}}")))
            {
                // A failed call: back off briefly instead of spinning on rejections (as the probe writes do).
                await Task.Delay(10, CancellationToken.None);
            }
        }
    }
}
