namespace OrleansRedis.Grains.RateLimiting;

/// <summary>
/// Turns concurrent requests into batches: while one batch is being executed, new requests queue; when it completes,
/// everything queued (up to a maximum) goes out as the next batch, in arrival order. One request alone goes out at
/// once, so there is no added latency at low load, and under load the number of executions stays far below the number
/// of requests. A request abandoned before its batch leaves is dropped and never executed.
/// </summary>
/// <typeparam name="TRequest">The request.</typeparam>
/// <typeparam name="TResult">The result of one request.</typeparam>
public sealed class RequestCoalescer<TRequest, TResult>
{
    private readonly Func<IReadOnlyList<TRequest>, Task<IReadOnlyList<TResult>>> _execute;
    private readonly int _maxBatchSize;
    private readonly Queue<Pending> _queue = new();
    private bool _running;

    /// <summary>Creates a coalescer that runs batches through <paramref name="execute"/>.</summary>
    /// <param name="execute">Executes one batch; returns one result per request, in order.</param>
    /// <param name="maxBatchSize">The most requests in one batch.</param>
    public RequestCoalescer(Func<IReadOnlyList<TRequest>, Task<IReadOnlyList<TResult>>> execute, int maxBatchSize)
    {
        ArgumentNullException.ThrowIfNull(execute);
        ArgumentOutOfRangeException.ThrowIfLessThan(maxBatchSize, 1);
        _execute = execute;
        _maxBatchSize = maxBatchSize;
    }

    /// <summary>Gets how many requests wait for the batch in flight to complete.</summary>
    public int Queued
    {
        get
        {
            lock (_queue)
            {
                return _queue.Count;
            }
        }
    }

    /// <summary>Queues <paramref name="request"/>; starts a batch at once unless one is in flight.</summary>
    public Pending Enqueue(TRequest request)
    {
        var pending = new Pending(request);
        bool start;
        lock (_queue)
        {
            _queue.Enqueue(pending);
            start = !_running;
            _running = true;
        }

        if (start)
        {
            _ = RunAsync();
        }

        return pending;
    }

    private async Task RunAsync()
    {
        while (true)
        {
            var batch = new List<Pending>();
            lock (_queue)
            {
                while (batch.Count < _maxBatchSize && _queue.TryDequeue(out var next))
                {
                    if (next.TryStart())
                    {
                        batch.Add(next);
                    }
                }

                if (batch.Count == 0)
                {
                    _running = false;
                    return;
                }
            }

            try
            {
                var results = await _execute(batch.ConvertAll(p => p.Request));
                if (results.Count != batch.Count)
                {
                    throw new InvalidOperationException($"A batch of {batch.Count} requests returned {results.Count} results.");
                }

                for (var i = 0; i < batch.Count; i++)
                {
                    batch[i].Complete(results[i]);
                }
            }
            catch (Exception ex)
            {
                foreach (var pending in batch)
                {
                    pending.Fail(ex);
                }
            }
        }
    }

    /// <summary>One queued request and its eventual result.</summary>
    public sealed class Pending
    {
        private const int Queued = 0;
        private const int Started = 1;
        private const int Abandoned = 2;

        // Continuations run inline on the completing batch's context: in a grain that is the grain's own scheduler,
        // so a caller resumes without another trip through the scheduler queue.
        private readonly TaskCompletionSource<TResult> _result = new();
        private int _state;

        internal Pending(TRequest request) => Request = request;

        /// <summary>Gets the request.</summary>
        public TRequest Request { get; }

        /// <summary>Gets the result, or the batch's failure.</summary>
        public Task<TResult> Task => _result.Task;

        /// <summary>
        /// Gives up on the request. Returns true when it had not left yet (it never will); false when its batch was
        /// already executing, so it may have taken effect.
        /// </summary>
        public bool Abandon() => Interlocked.CompareExchange(ref _state, Abandoned, Queued) == Queued;

        internal bool TryStart() => Interlocked.CompareExchange(ref _state, Started, Queued) == Queued;

        internal void Complete(TResult result) => _result.TrySetResult(result);

        internal void Fail(Exception exception) => _result.TrySetException(exception);
    }
}
