namespace OrleansRedis.Testing;

/// <summary>Waits for a condition with a deadline instead of sleeping for a guessed time.</summary>
public static class Eventually
{
    private static readonly TimeSpan Poll = TimeSpan.FromMilliseconds(100);

    /// <summary>Polls <paramref name="condition"/> until it returns true; fails with <paramref name="what"/> at the deadline.</summary>
    public static async Task TrueAsync(Func<Task<bool>> condition, TimeSpan timeout, string what)
    {
        var deadline = DateTime.UtcNow + timeout;
        Exception? last = null;
        while (DateTime.UtcNow < deadline)
        {
            try
            {
                if (await condition())
                {
                    return;
                }
            }
            catch (Exception ex)
            {
                last = ex;
            }

            await Task.Delay(Poll);
        }

        throw new TimeoutException($"Timed out after {timeout} waiting until {what}.{(last is null ? "" : $" Last error: {last.GetType().Name}: {last.Message}")}");
    }

    /// <summary>Retries <paramref name="action"/> until it succeeds; rethrows the last failure at the deadline.</summary>
    public static async Task<T> SucceedsAsync<T>(Func<Task<T>> action, TimeSpan timeout, string what)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (true)
        {
            try
            {
                return await action();
            }
            catch (Exception ex) when (DateTime.UtcNow < deadline)
            {
                _ = ex;
                await Task.Delay(Poll);
            }
            catch (Exception ex)
            {
                throw new TimeoutException($"Timed out after {timeout} waiting until {what}: {ex.GetType().Name}: {ex.Message}", ex);
            }
        }
    }
}
