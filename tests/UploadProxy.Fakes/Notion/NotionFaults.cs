namespace UploadProxy.Fakes.Notion;

/// <summary>
/// What a test makes the fake do wrong: answer slowly, fail requests, lose the answer to a page creation, or commit a
/// page creation late (after a delay, or when released), whether or not its client is still waiting.
/// </summary>
internal sealed class NotionFaults
{
    private readonly Lock _lock = new();
    private readonly Queue<InjectedFailure> _failures = new();
    private readonly Queue<CreateHold> _createHolds = new();
    private readonly List<CreateHold> _heldCreates = [];
    private long _latencyTicks;
    private int _lostCreates;
    private volatile string? _createRefusal;

    public TimeSpan Latency
    {
        get => TimeSpan.FromTicks(Interlocked.Read(ref _latencyTicks));
        set
        {
            ArgumentOutOfRangeException.ThrowIfLessThan(value, TimeSpan.Zero);
            Interlocked.Exchange(ref _latencyTicks, value.Ticks);
        }
    }

    public void FailNext(int count, int statusCode, string code, string message, int? retryAfterSeconds = null)
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
            _failures.Enqueue(new InjectedFailure(statusCode, code, message, retryAfterSeconds) { Remaining = count });
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

        return failure.RetryAfterSeconds is { } seconds
            ? NotionReply.Error(failure.StatusCode, failure.Code, failure.Message, (int?)seconds)
            : NotionReply.Error(failure.StatusCode, failure.Code, failure.Message);
    }

    /// <summary>Every page creation is refused with this validation message until set back to null.</summary>
    public string? CreateRefusal
    {
        get => _createRefusal;
        set => _createRefusal = value;
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

    /// <summary>The next page creation commits <paramref name="delay"/> after it was read, or, when null, once released.</summary>
    public void HoldNextCreate(TimeSpan? delay)
    {
        lock (_lock)
        {
            _createHolds.Enqueue(new CreateHold(delay));
        }
    }

    /// <summary>The hold of the page creation just read, if one is due: the creation commits when it ends.</summary>
    public Task? TakeCreateHold(CancellationToken stopping)
    {
        CreateHold? hold;
        lock (_lock)
        {
            if (!_createHolds.TryDequeue(out hold))
            {
                return null;
            }

            if (hold.Delay is null)
            {
                _heldCreates.Add(hold);
            }
        }

        return hold.Delay is { } delay ? Task.Delay(delay, stopping) : hold.Released.Task.WaitAsync(stopping);
    }

    /// <summary>Lets every held page creation commit.</summary>
    /// <returns>How many were held.</returns>
    public int ReleaseHeldCreates()
    {
        CreateHold[] released;
        lock (_lock)
        {
            released = [.. _heldCreates];
            _heldCreates.Clear();
        }

        foreach (var hold in released)
        {
            hold.Released.TrySetResult();
        }

        return released.Length;
    }

    public int HeldCreates
    {
        get
        {
            lock (_lock)
            {
                return _heldCreates.Count;
            }
        }
    }

    private sealed record CreateHold(TimeSpan? Delay)
    {
        public TaskCompletionSource Released { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);
    }

    private sealed record InjectedFailure(int StatusCode, string Code, string Message, int? RetryAfterSeconds)
    {
        public int Remaining { get; set; }
    }
}
