namespace UploadProxy.Fakes.Notion;

/// <summary>Every request the fake received, in order of arrival, with the status it answered.</summary>
internal sealed class RequestLog
{
    private static readonly TimeSpan Window = TimeSpan.FromSeconds(1);

    private readonly Lock _lock = new();
    private readonly List<FakeNotionRequest> _requests = [];
    private int _rateLimited;

    public int RateLimited => Volatile.Read(ref _rateLimited);

    /// <returns>The request's place in the log, to record its answer with.</returns>
    public int Arrived(string method, string path)
    {
        lock (_lock)
        {
            _requests.Add(new FakeNotionRequest(DateTimeOffset.UtcNow, method, path, 0));
            return _requests.Count - 1;
        }
    }

    /// <summary>Called before the answer is written, so that a client that has its answer finds it logged.</summary>
    public void Answered(int index, int status)
    {
        lock (_lock)
        {
            _requests[index] = _requests[index] with { Status = status };
        }

        if (status == StatusCodes.Status429TooManyRequests)
        {
            Interlocked.Increment(ref _rateLimited);
        }
    }

    public IReadOnlyList<FakeNotionRequest> Snapshot()
    {
        lock (_lock)
        {
            return [.. _requests];
        }
    }

    /// <summary>The most requests that arrived within one second of each other.</summary>
    public int MaxInAnySecond()
    {
        DateTimeOffset[] times;
        lock (_lock)
        {
            times = [.. _requests.Select(r => r.Time)];
        }

        // Arrival times are taken under the lock, but the wall clock can step back.
        Array.Sort(times);
        var max = 0;
        for (int first = 0, last = 0; last < times.Length; last++)
        {
            while (times[last] - times[first] >= Window)
            {
                first++;
            }

            max = Math.Max(max, last - first + 1);
        }

        return max;
    }
}
