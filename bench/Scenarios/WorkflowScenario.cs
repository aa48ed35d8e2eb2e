using System.Diagnostics;
using UploadProxy.Bench.Infrastructure;
using UploadProxy.Bench.Load;
using UploadProxy.Bench.Report;

namespace UploadProxy.Bench.Scenarios;

/// <summary>The full workflow a client runs, create → send → info, at 1 MB and 10 MB documents.</summary>
internal static class WorkflowScenario
{
    public const int Concurrency = 16;

    /// <summary>Target: the 1 MB workflow reaches this share of the ceiling's 1 MB requests per second.</summary>
    private const double TargetShareOfCeiling = 25;

    /// <summary>Target of issue 15: the gateway process's CPU per 1 MB session, user and kernel together, in ms.</summary>
    private const double TargetCpuPerSessionMilliseconds = 2.8;

    public static async Task RunAsync(BenchContext context, GatewayUnderTest gateway)
    {
        await RunSizeAsync(context, gateway, 1, maxSessions: 50_000);
        await RunSizeAsync(context, gateway, 10, maxSessions: 5_000);
    }

    private static async Task RunSizeAsync(BenchContext context, GatewayUnderTest gateway, int megabytes, long maxSessions)
    {
        Progress.Say($"workflow: {megabytes} MB documents");
        var payload = new DocumentPayload(SamplePdf.Create(megabytes * Sizes.Megabyte));
        using var client = new UploadProxyClient(gateway, Concurrency);
        var options = context.Options;
        var result = await LoadRunner.RunAsync(Concurrency, options.Warmup, options.Duration, maxSessions, async (timer, cancellationToken) =>
        {
            var start = Stopwatch.GetTimestamp();
            var id = await client.CreateAsync(cancellationToken);
            timer.Record("create", start);

            start = Stopwatch.GetTimestamp();
            var status = await client.SendAsync(id, payload.CreateContent(), respondAsync: false, cancellationToken);
            timer.Record("send", start);
            if (status is not ("uploaded" or "linked"))
            {
                throw new InvalidOperationException($"send answered status '{status}' for {id}.");
            }

            start = Stopwatch.GetTimestamp();
            await client.InfoAsync(id, cancellationToken);
            timer.Record("info", start);
        }, watchedProcess: gateway.ProcessId);

        var table = context.Table;
        var megabytesPerSecond = Sizes.Megabytes(result.PerSecond * payload.DocumentBytes);
        var figure = $"workflow {megabytes} MB: create → send → info ({Concurrency} concurrent)";
        var measured = $"{ResultTable.Number(result.PerSecond)} sessions/s, {ResultTable.Number(megabytesPerSecond)} MB/s";
        if (megabytes == 1 && context.CeilingUploadPerSecond is { } ceiling)
        {
            var share = 100 * result.PerSecond / ceiling;
            table.Add(figure, measured, $"{ResultTable.Number(ceiling, "0")} req/s (1 MB)", ResultTable.Percent(share),
                $"≥ {TargetShareOfCeiling} % of ceiling", ResultTable.Verdict(share >= TargetShareOfCeiling));
        }
        else
        {
            table.Add(figure, measured);
        }

        foreach (var route in new[] { "create", "send", "info" })
        {
            table.Add($"  latency {route} ({megabytes} MB run)", result.Latency(route).ToString());
        }

        AddCpuPerSession(table, megabytes, result);

        context.NotePhase($"workflow {megabytes} MB", result, "sessions", $"{CeilingScenario.WarmupBounds(options)} (bounded at {maxSessions} sessions)");
    }

    /// <summary>
    /// The gateway process's CPU per session over the measured phase, from <c>/proc/{pid}/stat</c>, user and kernel
    /// apart; with an external gateway (<c>--gateway</c>) the bench cannot see its process.
    /// </summary>
    private static void AddCpuPerSession(ResultTable table, int megabytes, LoadResult result)
    {
        var figure = $"  gateway CPU per session ({megabytes} MB run)";
        var target = megabytes == 1 ? $"≤ {ResultTable.Number(TargetCpuPerSessionMilliseconds)} ms" : "";
        if (result.WatchedCpu is not { } cpu || result.Completed == 0)
        {
            table.Add(figure, "n/a (not a process the bench started)", target: target);
            return;
        }

        var perSession = cpu.TotalMilliseconds / result.Completed;
        var cores = cpu.TotalMilliseconds / result.Elapsed.TotalMilliseconds;
        var measured = $"{ResultTable.Number(perSession, "0.00")} ms: user {ResultTable.Number(cpu.UserMilliseconds / result.Completed, "0.00")}, " +
            $"kernel {ResultTable.Number(cpu.KernelMilliseconds / result.Completed, "0.00")} ({ResultTable.Number(cores, "0.00")} cores)";
        if (megabytes == 1)
        {
            table.Add(figure, measured, target: target, verdict: ResultTable.Verdict(perSession <= TargetCpuPerSessionMilliseconds));
        }
        else
        {
            table.Add(figure, measured);
        }
    }
}
