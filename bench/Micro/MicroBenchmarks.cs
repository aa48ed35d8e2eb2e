using BenchmarkDotNet.Configs;
using BenchmarkDotNet.Diagnosers;
using BenchmarkDotNet.Jobs;
using BenchmarkDotNet.Running;
using BenchmarkDotNet.Toolchains.InProcess.Emit;

namespace UploadProxy.Bench.Micro;

/// <summary>
/// The <c>micro</c> command: BenchmarkDotNet over the product's hot helpers. A short job, run in this process (no
/// generated project to build), so the whole set finishes in a few minutes.
/// </summary>
internal static class MicroBenchmarks
{
    public static int Run(IReadOnlyList<string> arguments)
    {
        var job = Job.ShortRun
            .WithToolchain(InProcessEmitToolchain.Instance)
            .WithWarmupCount(3)
            .WithIterationCount(5);
        var config = DefaultConfig.Instance
            .AddJob(job)
            .AddDiagnoser(MemoryDiagnoser.Default)
            .WithArtifactsPath(Path.Combine(AppContext.BaseDirectory, "BenchmarkDotNet.Artifacts"));
        string[] args = arguments.Count == 0 ? ["--filter", "*", "--join"] : [.. arguments];
        var summaries = BenchmarkSwitcher
            .FromTypes([typeof(NamingBenchmarks), typeof(StateSerializationBenchmarks), typeof(MultipartReadingBenchmarks)])
            .Run(args, config);
        return summaries.Any(summary => summary.HasCriticalValidationErrors || summary.Reports.Any(report => !report.Success)) ? 1 : 0;
    }
}
