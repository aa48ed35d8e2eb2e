namespace UploadProxy.Integrations;

/// <summary>The product's one backoff: doubling from a base, capped, jittered down by up to half.</summary>
public static class Backoff
{
    /// <summary>The wait before the next attempt after <paramref name="failures"/> failures in a row.</summary>
    public static TimeSpan Delay(TimeSpan baseDelay, TimeSpan maxDelay, int failures)
    {
        var exponential = baseDelay * Math.Pow(2, Math.Clamp(failures - 1, 0, 20));
        var capped = exponential < maxDelay ? exponential : maxDelay;
        // Jitter keeps many callers that failed together from retrying together.
        return capped * (0.5 + (Random.Shared.NextDouble() / 2));
    }
}
