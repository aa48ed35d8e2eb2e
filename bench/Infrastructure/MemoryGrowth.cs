using UploadProxy.Bench.Report;
using UploadProxy.Bench.Scenarios;

namespace UploadProxy.Bench.Infrastructure;

/// <summary>
/// How much the gateway+silo process's resident memory grows above its settled baseline while one piece of work runs
/// (a 100 MB document by <c>send</c> or by tus): sampled every 10 ms, and read from VmHWM where it can be reset.
/// </summary>
internal static class MemoryGrowth
{
    public const double TargetMegabytes = 32;
    private static readonly TimeSpan SampleInterval = TimeSpan.FromMilliseconds(10);

    /// <param name="work">The measured work; it returns the throughput text shown beside the growth.</param>
    public static async Task MeasureAsync(BenchContext context, int? pid, string scenario, string figure, Func<Task<string>> work)
    {
        var baseline = pid is { } id ? await ProcessMemory.SettledResidentAsync(id, 3, TimeSpan.FromMilliseconds(300)) : 0;
        var peakReset = pid is { } resetId && ProcessMemory.TryResetPeak(resetId);
        using var sampling = new CancellationTokenSource();
        var sampler = pid is { } sampledId ? SampleAsync(sampledId, sampling.Token) : Task.FromResult(0L);
        string throughput;
        try
        {
            throughput = await work();
        }
        finally
        {
            await sampling.CancelAsync();
        }

        var sampledPeak = await sampler;
        var target = $"≤ {TargetMegabytes} MB";
        if (pid is not { } measuredId)
        {
            context.Table.Add(figure, $"n/a (external gateway); {throughput}", target: target);
            return;
        }

        var peak = Math.Max(sampledPeak, peakReset ? ProcessMemory.Peak(measuredId) : 0);
        var growth = peak - baseline;
        context.Table.Add(
            figure,
            $"{ResultTable.Megabytes(growth)} (baseline {ResultTable.Megabytes(baseline)}, peak {ResultTable.Megabytes(peak)}); {throughput}",
            target: target,
            verdict: ResultTable.Verdict(Sizes.Megabytes(growth) <= TargetMegabytes));
        if (!peakReset)
        {
            context.Table.Note($"{scenario}: VmHWM could not be reset, so the peak is the highest VmRSS sampled every 10 ms.");
        }
    }

    /// <summary>The highest resident memory of the process, sampled every 10 ms until cancelled.</summary>
    private static async Task<long> SampleAsync(int pid, CancellationToken cancellationToken)
    {
        long peak = 0;
        while (!cancellationToken.IsCancellationRequested)
        {
            peak = Math.Max(peak, ProcessMemory.Resident(pid));
            try
            {
                await Task.Delay(SampleInterval, cancellationToken);
            }
            catch (OperationCanceledException)
            {
                break;
            }
        }

        return Math.Max(peak, ProcessMemory.Resident(pid));
    }
}
