namespace OrleansRedis.Tests.Users;

/// <summary>
/// A client-side grain call filter that holds the reply of one user's <c>GetAsync</c> after the grain answered, until
/// released: a reply still on its way back while other calls go ahead.
/// </summary>
public sealed class HeldReplyFilter(string userId) : IOutgoingGrainCallFilter
{
    private readonly TaskCompletionSource _answered = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly TaskCompletionSource _release = new(TaskCreationOptions.RunContinuationsAsynchronously);

    /// <summary>Gets a task that completes when the grain has answered the held read.</summary>
    public Task Answered => _answered.Task;

    /// <summary>Lets the held reply through.</summary>
    public void Release() => _release.TrySetResult();

    /// <inheritdoc />
    public async Task Invoke(IOutgoingGrainCallContext context)
    {
        await context.Invoke();
        if (context.InterfaceMethod?.Name == "GetAsync" && context.TargetId.Key.ToString() == userId)
        {
            _answered.TrySetResult();
            await _release.Task;
        }
    }
}
