namespace UploadProxy.Fakes.Cloudinary;

/// <summary>What a test makes the fake do wrong: answer slowly, hold requests, fail them, or store them and lose the answer.</summary>
internal sealed class UploadFaults
{
    private readonly Lock _lock = new();
    private readonly Queue<InjectedFailure> _failures = new();
    private readonly Queue<InjectedFailure> _lookupFailures = new();
    private TaskCompletionSource? _hold;
    private TaskCompletionSource? _answerHold;
    private int _answersToLose;
    private double _lostAnswerFraction;
    private Random? _lostAnswerDraw;
    private long _latencyTicks;
    private long _jitterTicks;
    private int _held;

    /// <summary>Upload requests waiting for <see cref="Release"/> right now; one whose client went away is no longer counted.</summary>
    public int Held => Volatile.Read(ref _held);

    /// <summary>Up to this much is added to <see cref="Latency"/>, at random per request: 400 ms + 400 ms answers in 400–800 ms.</summary>
    public TimeSpan LatencyJitter
    {
        get => TimeSpan.FromTicks(Interlocked.Read(ref _jitterTicks));
        set
        {
            ArgumentOutOfRangeException.ThrowIfLessThan(value, TimeSpan.Zero);
            Interlocked.Exchange(ref _jitterTicks, value.Ticks);
        }
    }

    public TimeSpan Latency
    {
        get => TimeSpan.FromTicks(Interlocked.Read(ref _latencyTicks));
        set
        {
            ArgumentOutOfRangeException.ThrowIfLessThan(value, TimeSpan.Zero);
            Interlocked.Exchange(ref _latencyTicks, value.Ticks);
        }
    }

    public void FailNext(int count, int statusCode, string message, TimeSpan? retryAfter = null) =>
        Enqueue(_failures, count, statusCode, message, retryAfter);

    public void FailNextLookups(int count, int statusCode, string message, TimeSpan? retryAfter = null) =>
        Enqueue(_lookupFailures, count, statusCode, message, retryAfter);

    /// <summary>The answer for this request if a failure is due, in the shape Cloudinary (or its load balancer) gives it.</summary>
    public CloudinaryReply? TakeFailure() => Take(_failures);

    public CloudinaryReply? TakeLookupFailure() => Take(_lookupFailures);

    /// <summary>Each stored upload's answer is lost with this probability, drawn from a seeded sequence so a run can be repeated.</summary>
    public void LoseAnswers(double fraction, int seed)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(fraction);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(fraction, 1);
        lock (_lock)
        {
            _lostAnswerFraction = fraction;
            _lostAnswerDraw = new Random(seed);
        }
    }

    public void LoseNextAnswers(int count)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(count);
        lock (_lock)
        {
            _answersToLose += count;
        }
    }

    /// <summary>Whether the answer to an upload that was just stored is to be lost.</summary>
    public bool TakeLostAnswer()
    {
        lock (_lock)
        {
            if (_answersToLose > 0)
            {
                _answersToLose--;
                return true;
            }

            return _lostAnswerDraw is not null && _lostAnswerDraw.NextDouble() < _lostAnswerFraction;
        }
    }

    /// <summary>Stores uploads but holds their answers until <see cref="Release"/>.</summary>
    public void HoldAnswers()
    {
        lock (_lock)
        {
            _answerHold ??= new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        }
    }

    public async Task WaitToAnswerAsync(CancellationToken cancellationToken)
    {
        Task? held;
        lock (_lock)
        {
            held = _answerHold?.Task;
        }

        if (held is not null)
        {
            await held.WaitAsync(cancellationToken);
        }
    }

    private void Enqueue(Queue<InjectedFailure> queue, int count, int statusCode, string message, TimeSpan? retryAfter)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(count);
        ArgumentOutOfRangeException.ThrowIfLessThan(statusCode, 400);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(statusCode, 599);
        ArgumentNullException.ThrowIfNull(message);
        if (retryAfter is { } wait)
        {
            ArgumentOutOfRangeException.ThrowIfLessThan(wait, TimeSpan.Zero);
        }

        if (count == 0)
        {
            return;
        }

        lock (_lock)
        {
            queue.Enqueue(new InjectedFailure(statusCode, message, retryAfter) { Remaining = count });
        }
    }

    private CloudinaryReply? Take(Queue<InjectedFailure> queue)
    {
        InjectedFailure? failure;
        lock (_lock)
        {
            if (!queue.TryPeek(out failure))
            {
                return null;
            }

            if (--failure.Remaining == 0)
            {
                queue.Dequeue();
            }
        }

        var reply = failure.StatusCode >= StatusCodes.Status500InternalServerError
            ? CloudinaryReply.LoadBalancerPage(failure.StatusCode, failure.Message)
            : CloudinaryReply.Error(failure.StatusCode, failure.Message);
        return failure.RetryAfter is { } retryAfter ? reply.WithRetryAfter(retryAfter) : reply;
    }

    public void Hold()
    {
        lock (_lock)
        {
            _hold ??= new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        }
    }

    /// <summary>Lets held requests and held answers go.</summary>
    public void Release()
    {
        TaskCompletionSource? hold;
        TaskCompletionSource? answerHold;
        lock (_lock)
        {
            hold = _hold;
            answerHold = _answerHold;
            _hold = null;
            _answerHold = null;
        }

        hold?.SetResult();
        answerHold?.SetResult();
    }

    /// <summary>Waits while uploads are held, then for the latency.</summary>
    public async Task DelayAsync(CancellationToken cancellationToken)
    {
        Task? held;
        lock (_lock)
        {
            held = _hold?.Task;
        }

        if (held is not null)
        {
            Interlocked.Increment(ref _held);
            try
            {
                await held.WaitAsync(cancellationToken);
            }
            finally
            {
                Interlocked.Decrement(ref _held);
            }
        }

        var delay = Latency + (LatencyJitter * Random.Shared.NextDouble());
        if (delay > TimeSpan.Zero)
        {
            await Task.Delay(delay, cancellationToken);
        }
    }

    private sealed record InjectedFailure(int StatusCode, string Message, TimeSpan? RetryAfter)
    {
        public int Remaining { get; set; }
    }
}
