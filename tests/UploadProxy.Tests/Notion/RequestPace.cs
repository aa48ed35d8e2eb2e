using UploadProxy.Fakes;

namespace UploadProxy.Tests.Notion;

/// <summary>How requests to the fake Notion were spread over time.</summary>
internal static class RequestPace
{
    /// <summary>The most requests that arrived within one second of each other.</summary>
    public static int MaxInAnySecond(IReadOnlyList<FakeNotionRequest> requests)
    {
        var times = requests.Select(r => r.Time).Order().ToArray();
        var max = 0;
        for (int first = 0, last = 0; last < times.Length; last++)
        {
            while (times[last] - times[first] >= TimeSpan.FromSeconds(1))
            {
                first++;
            }

            max = Math.Max(max, last - first + 1);
        }

        return max;
    }

    /// <summary>Requests per second from the first arrival to the last: the pace kept over the whole run.</summary>
    public static double Average(IReadOnlyList<FakeNotionRequest> requests)
    {
        var span = requests.Max(r => r.Time) - requests.Min(r => r.Time);
        return (requests.Count - 1) / span.TotalSeconds;
    }
}
