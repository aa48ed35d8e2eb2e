using UploadProxy.Bench.Infrastructure;
using UploadProxy.Bench.Load;
using UploadProxy.Bench.Report;

namespace UploadProxy.Bench.Scenarios;

/// <summary>
/// What an idle session costs the process that holds it: a fresh gateway is warmed up, then N sessions are created
/// and left pending; (RSS after they settle − RSS before) / N. The sessions belong to no batch, so the figure is the
/// session's own cost, not that of one batch of N sessions.
/// </summary>
internal static class IdleMemoryScenario
{
    private const int Concurrency = 32;
    private const int WarmupSessions = 1_000;
    private const double TargetKilobytes = 4;
    private static readonly TimeSpan Settle = TimeSpan.FromSeconds(15);

    public static async Task RunAsync(BenchContext context)
    {
        var count = context.Options.IdleSessions;
        var figure = $"memory per idle session ({count} sessions)";
        if (context.ExternalGateway)
        {
            context.Table.Add(figure, "n/a (external gateway: its processes are not visible)", target: $"≤ {TargetKilobytes} KB");
            return;
        }

        await using var gateway = await context.StartGatewayAsync("memory");
        var pid = gateway.ProcessId!.Value;
        using var client = new UploadProxyClient(gateway, Concurrency);

        // Warm the paths (JIT, pools, SQLite) with sessions that are counted in the baseline, not in N.
        Progress.Say("memory: warm-up");
        var warm = await SessionSeeding.CreateAsync(client, WarmupSessions, Concurrency, inBatch: false);
        foreach (var id in warm.Ids.Take(100))
        {
            await client.InfoAsync(id, CancellationToken.None);
        }

        await Task.Delay(Settle / 3);
        var before = await ProcessMemory.SettledResidentAsync(pid, 5, TimeSpan.FromMilliseconds(500));

        Progress.Say($"memory: creating {count} sessions");
        var created = await SessionSeeding.CreateAsync(client, count, Concurrency, inBatch: false);
        Progress.Say($"memory: letting {created.Ids.Count} sessions settle for {Settle.TotalSeconds} s");
        await Task.Delay(Settle);
        var after = await ProcessMemory.SettledResidentAsync(pid, 5, TimeSpan.FromMilliseconds(500));

        var perSession = (after - before) / (double)created.Ids.Count / 1024;
        context.Table.Add(
            $"memory per idle session ({created.Ids.Count} sessions)",
            $"{ResultTable.Number(perSession, "0.00")} KB (RSS {ResultTable.Megabytes(before)} → {ResultTable.Megabytes(after)})",
            target: $"≤ {TargetKilobytes} KB",
            verdict: ResultTable.Verdict(perSession <= TargetKilobytes));
        context.Table.Add(
            $"  create throughput, {Concurrency} concurrent (memory run)",
            $"{ResultTable.Number(created.Result.PerSecond)} sessions/s; {created.Result.Latency("create")}");
        gateway.ReportPeakMemory(context.Table);
        context.NotePhase("memory seeding", created.Result, "sessions created");
    }
}
