namespace UploadProxy.Fakes.Notion;

/// <summary>What a test makes the fake do wrong: answer slowly, fail requests, or lose the answer to a page creation.</summary>
internal sealed class NotionFaults
{
    private readonly Lock _lock = new();
    private readonly Queue<InjectedFailure> _failures = new();
    private long _latencyTicks;
    private int _lostCreates;

    public TimeSpan Latency
    {
        get => TimeSpan.FromTicks(Interlocked.Read(ref _latencyTicks));
        set
        {
            ArgumentOutOfRangeException.ThrowIfLessThan(value, TimeSpan.Zero);
            Interlocked.Exchange(ref _latencyTicks, value.Ticks);
        }
    }

    public void FailNext(int count, int statusCode, string code, string message)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(count);
        ArgumentOutOfRangeException.ThrowIfLessThan(statusCode, 400);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(statusCode, 599);
        ArgumentException.ThrowIfNullOrEmpty(code);
        ArgumentNullException.ThrowIfNull(message);
        if (count == 0)
        {
            return;
        }

        lock (_lock)
        {
            _failures.Enqueue(new InjectedFailure(statusCode, code, message) { Remaining = count });
        }
    }

    /// <summary>The answer for this request if a failure is due.</summary>
    public NotionReply? TakeFailure()
    {
        InjectedFailure? failure;
        lock (_lock)
        {
            if (!_failures.TryPeek(out failure))
            {
                return null;
            }

            if (--failure.Remaining == 0)
            {
                _failures.Dequeue();
            }
        }

        return NotionReply.Error(failure.StatusCode, failure.Code, failure.Message);
    }

    public void LoseNextCreate() => Interlocked.Increment(ref _lostCreates);

    /// <summary>Whether the answer to the page just created is to be lost.</summary>
    public bool TakeLostCreate()
    {
        var lost = Volatile.Read(ref _lostCreates);
        while (lost > 0)
        {
            var seen = Interlocked.CompareExchange(ref _lostCreates, lost - 1, lost);
            if (seen == lost)
            {
                return true;
            }

            lost = seen;
        }

        return false;
    }

    public async Task DelayAsync(CancellationToken cancellationToken)
    {
        if (Latency is { Ticks: > 0 } latency)
        {
            await Task.Delay(latency, cancellationToken);
        }
    }

    private sealed record InjectedFailure(int StatusCode, string Code, string Message)
    {
        public int Remaining { get; set; }
    }
}
