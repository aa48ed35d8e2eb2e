using UploadProxy.Bench.Infrastructure;

namespace UploadProxy.Bench.Load;

/// <summary>What one measured phase of load did.</summary>
/// <param name="MachineCpu">How busy the machine was during the phase, in % of all its cores.</param>
/// <param name="ForeignCpu">The part of that, in % of all cores, that was neither the bench nor the servers it started.</param>
/// <param name="WatchedCpu">CPU time the watched process (the gateway under test) spent in the phase, where it was read.</param>
internal sealed record LoadResult(
    long Completed,
    TimeSpan Elapsed,
    long Errors,
    string? FirstError,
    IReadOnlyDictionary<string, LatencySummary> Latencies,
    double MachineCpu,
    double ForeignCpu,
    ProcessCpu? WatchedCpu = null)
{
    public double PerSecond => Completed / Elapsed.TotalSeconds;

    public LatencySummary Latency(string route) =>
        Latencies.TryGetValue(route, out var summary) ? summary : new LatencySummary(double.NaN, double.NaN, double.NaN);
}
