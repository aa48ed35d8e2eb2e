using System.Globalization;

namespace UploadProxy.Bench.Load;

/// <summary>Percentiles of one route's latencies, in milliseconds (nearest rank).</summary>
internal sealed record LatencySummary(double P50, double P90, double P99)
{
    public static LatencySummary From(List<double> milliseconds)
    {
        if (milliseconds.Count == 0)
        {
            return new LatencySummary(double.NaN, double.NaN, double.NaN);
        }

        milliseconds.Sort();
        return new LatencySummary(Percentile(milliseconds, 0.50), Percentile(milliseconds, 0.90), Percentile(milliseconds, 0.99));
    }

    public override string ToString() =>
        string.Create(CultureInfo.InvariantCulture, $"p50 {Ms(P50)} / p90 {Ms(P90)} / p99 {Ms(P99)} ms");

    private static string Ms(double value) => value.ToString(value < 10 ? "0.00" : "0.0", CultureInfo.InvariantCulture);

    private static double Percentile(List<double> sorted, double quantile)
    {
        var rank = (int)Math.Ceiling(quantile * sorted.Count);
        return sorted[Math.Clamp(rank - 1, 0, sorted.Count - 1)];
    }
}
