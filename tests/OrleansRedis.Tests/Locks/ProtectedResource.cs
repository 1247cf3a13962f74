namespace OrleansRedis.Tests.Locks;

/// <summary>
/// What a lock protects, checking fencing tokens as a real resource must: it accepts a token only when it is greater
/// than every token seen so far, so a holder whose lease ran out can no longer write after a newer holder did.
/// </summary>
public sealed class ProtectedResource
{
    private readonly List<long> _accepted = [];
    private readonly List<long> _rejected = [];
    private long _highest;

    /// <summary>Gets the accepted tokens in the order they arrived.</summary>
    public IReadOnlyList<long> Accepted
    {
        get
        {
            lock (_accepted)
            {
                return [.. _accepted];
            }
        }
    }

    /// <summary>Gets the rejected tokens.</summary>
    public IReadOnlyList<long> Rejected
    {
        get
        {
            lock (_accepted)
            {
                return [.. _rejected];
            }
        }
    }

    /// <summary>Accepts <paramref name="fencingToken"/> when it is greater than the highest seen; otherwise rejects it.</summary>
    public bool TryAccess(long fencingToken)
    {
        lock (_accepted)
        {
            if (fencingToken <= _highest)
            {
                _rejected.Add(fencingToken);
                return false;
            }

            _highest = fencingToken;
            _accepted.Add(fencingToken);
            return true;
        }
    }
}
