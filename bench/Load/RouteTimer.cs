using System.Diagnostics;

namespace UploadProxy.Bench.Load;

/// <summary>One load worker's latency samples per route; workers never share one, so recording takes no lock.</summary>
internal sealed class RouteTimer
{
    private readonly Dictionary<string, List<double>> _samples = new(StringComparer.Ordinal);

    public IReadOnlyDictionary<string, List<double>> Samples => _samples;

    /// <summary>Records the time since <paramref name="startTimestamp"/> (from <see cref="Stopwatch.GetTimestamp"/>).</summary>
    public void Record(string route, long startTimestamp)
    {
        if (!_samples.TryGetValue(route, out var samples))
        {
            samples = new List<double>(4096);
            _samples[route] = samples;
        }

        samples.Add(Stopwatch.GetElapsedTime(startTimestamp).TotalMilliseconds);
    }
}
