using System.Collections.Concurrent;

namespace UploadProxy.Grains.Diagnostics;

/// <summary>The oldest undelivered webhook event of each active grain in this process, for the backlog age metric.</summary>
public static class WebhookBacklog
{
    private static readonly ConcurrentDictionary<string, DateTimeOffset> Oldest = new(StringComparer.Ordinal);

    public static void Set(string owner, DateTimeOffset? oldestRaisedAt)
    {
        if (oldestRaisedAt is { } raised)
        {
            Oldest[owner] = raised;
        }
        else
        {
            Oldest.TryRemove(owner, out _);
        }
    }

    /// <summary>Seconds since the oldest undelivered event was raised; 0 when none is owed.</summary>
    public static double OldestAgeSeconds()
    {
        var oldest = DateTimeOffset.MaxValue;
        foreach (var raised in Oldest.Values)
        {
            oldest = raised < oldest ? raised : oldest;
        }

        return oldest == DateTimeOffset.MaxValue ? 0 : Math.Max(0, (DateTimeOffset.UtcNow - oldest).TotalSeconds);
    }
}
