namespace UploadProxy.Fakes.Cloudinary;

/// <summary>What a test makes the fake do wrong: answer slowly, hold requests, or fail them.</summary>
internal sealed class UploadFaults
{
    private readonly Lock _lock = new();
    private readonly Queue<InjectedFailure> _failures = new();
    private TaskCompletionSource? _hold;
    private long _latencyTicks;
    private int _held;

    /// <summary>Upload requests waiting for <see cref="Release"/> right now; one whose client went away is no longer counted.</summary>
    public int Held => Volatile.Read(ref _held);

    public TimeSpan Latency
    {
        get => TimeSpan.FromTicks(Interlocked.Read(ref _latencyTicks));
        set
        {
            ArgumentOutOfRangeException.ThrowIfLessThan(value, TimeSpan.Zero);
            Interlocked.Exchange(ref _latencyTicks, value.Ticks);
        }
    }

    public void FailNext(int count, int statusCode, string message)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(count);
        ArgumentOutOfRangeException.ThrowIfLessThan(statusCode, 400);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(statusCode, 599);
        ArgumentNullException.ThrowIfNull(message);
        if (count == 0)
        {
            return;
        }

        lock (_lock)
        {
            _failures.Enqueue(new InjectedFailure(statusCode, message) { Remaining = count });
        }
    }

    /// <summary>The answer for this request if a failure is due, in the shape Cloudinary (or its load balancer) gives it.</summary>
    public CloudinaryReply? TakeFailure()
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

        return failure.StatusCode >= StatusCodes.Status500InternalServerError
            ? CloudinaryReply.LoadBalancerPage(failure.StatusCode, failure.Message)
            : CloudinaryReply.Error(failure.StatusCode, failure.Message);
    }

    public void Hold()
    {
        lock (_lock)
        {
            _hold ??= new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        }
    }

    public void Release()
    {
        TaskCompletionSource? hold;
        lock (_lock)
        {
            hold = _hold;
            _hold = null;
        }

        hold?.SetResult();
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

        if (Latency is { Ticks: > 0 } latency)
        {
            await Task.Delay(latency, cancellationToken);
        }
    }

    private sealed record InjectedFailure(int StatusCode, string Message)
    {
        public int Remaining { get; set; }
    }
}
