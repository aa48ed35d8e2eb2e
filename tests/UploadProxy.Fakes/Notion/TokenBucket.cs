using System.Diagnostics;

namespace UploadProxy.Fakes.Notion;

/// <summary>Notion's rate limit for one integration token: <paramref name="capacity"/> requests at once, refilled at a steady rate.</summary>
internal sealed class TokenBucket(double requestsPerSecond, int capacity)
{
    private readonly Lock _lock = new();
    private double _tokens = capacity;
    private long _refilledAt = Stopwatch.GetTimestamp();

    /// <param name="retryAfterSeconds">When refused: whole seconds until a request would be let through.</param>
    public bool TryTake(out int retryAfterSeconds)
    {
        lock (_lock)
        {
            var now = Stopwatch.GetTimestamp();
            _tokens = Math.Min(capacity, _tokens + (Stopwatch.GetElapsedTime(_refilledAt, now).TotalSeconds * requestsPerSecond));
            _refilledAt = now;
            if (_tokens >= 1)
            {
                _tokens--;
                retryAfterSeconds = 0;
                return true;
            }

            retryAfterSeconds = Math.Max(1, (int)Math.Ceiling((1 - _tokens) / requestsPerSecond));
            return false;
        }
    }
}
