using System.Diagnostics;
using System.Security.Cryptography;
using UploadProxy.Bench.Load;
using UploadProxy.Bench.Report;

namespace UploadProxy.Bench.Scenarios;

/// <summary>
/// Dashboards polling <c>info</c>: many sessions created first (left pending), then random ones read back by 32 and
/// then 64 pollers, each against the small-JSON ceiling (issue 15: ≥ 60 % of it, p99 ≤ 5 ms at both).
/// </summary>
internal static class InfoPollingScenario
{
    private const int Pollers = 64;
    private static readonly int[] PollerCounts = [32, Pollers];
    private const double TargetShareOfCeiling = 60;
    private const double TargetP99Milliseconds = 5;
    private const int MaxPacedInFlight = 256;

    public static async Task RunAsync(BenchContext context, GatewayUnderTest gateway, CeilingScenario ceiling)
    {
        var options = context.Options;
        using var client = new UploadProxyClient(gateway, Pollers);

        Progress.Say($"info: creating {options.InfoSessions} sessions");
        var created = await SessionSeeding.CreateAsync(client, options.InfoSessions, Pollers);
        var ids = created.Ids;
        context.Table.Add(
            $"create throughput while seeding {ids.Count} sessions ({Pollers} concurrent)",
            $"{ResultTable.Number(created.Result.PerSecond)} sessions/s; {created.Result.Latency("create")}");

        // The ceiling right before the figure compared with it, once the sessions exist.
        await ceiling.MeasureJsonAsync();

        foreach (var pollers in PollerCounts)
        {
            await PollAsync(context, client, ids, pollers);
        }

        await RunPacedAsync(context, client, ids);
        context.NotePhase("seeding", created.Result, "sessions created");
    }

    private static async Task PollAsync(BenchContext context, UploadProxyClient client, IReadOnlyList<string> ids, int pollers)
    {
        var options = context.Options;
        Progress.Say($"info: {pollers} pollers");
        var result = await LoadRunner.RunAsync(pollers, options.Warmup, options.Duration, long.MaxValue, async (timer, cancellationToken) =>
        {
            var id = ids[RandomNumberGenerator.GetInt32(ids.Count)];
            var start = Stopwatch.GetTimestamp();
            await client.InfoAsync(id, cancellationToken);
            timer.Record("info", start);
        });

        var latency = result.Latency("info");
        var figure = $"info polling ({pollers} pollers over {ids.Count} sessions)";
        if (context.CeilingJsonPerSecond is { } ceilingPerSecond)
        {
            var share = 100 * result.PerSecond / ceilingPerSecond;
            context.Table.Add(figure, $"{ResultTable.Number(result.PerSecond, "0")} req/s", $"{ResultTable.Number(ceilingPerSecond, "0")} req/s",
                ResultTable.Percent(share), $"≥ {TargetShareOfCeiling} % of ceiling", ResultTable.Verdict(share >= TargetShareOfCeiling));
        }
        else
        {
            context.Table.Add(figure, $"{ResultTable.Number(result.PerSecond, "0")} req/s");
        }

        context.Table.Add(
            $"  info polling latency ({pollers} pollers)",
            latency.ToString(),
            context.CeilingJsonP99 is { } ceilingP99 ? $"p99 {ResultTable.Number(ceilingP99, "0.00")} ms" : "",
            "",
            $"p99 ≤ {TargetP99Milliseconds} ms",
            ResultTable.Verdict(latency.P99 <= TargetP99Milliseconds));
        context.NotePhase($"info polling, {pollers} pollers", result, "requests", $"{CeilingScenario.WarmupBounds(options)}, on pending sessions");
    }

    /// <summary>
    /// With 64 pollers in a closed loop, latency is concurrency / throughput (Little's law) and says little about the
    /// product. This asks the other question: at the target's throughput (60 % of the ceiling), offered on a fixed
    /// schedule, how long does info take?
    /// </summary>
    private static async Task RunPacedAsync(BenchContext context, UploadProxyClient client, IReadOnlyList<string> ids)
    {
        if (context.CeilingJsonPerSecond is not { } ceiling)
        {
            return;
        }

        var rate = ceiling * TargetShareOfCeiling / 100;
        Progress.Say($"info: paced at {rate:0} req/s");
        var result = await LoadRunner.RunPacedAsync("info", rate, context.Options.Duration, MaxPacedInFlight, cancellationToken =>
            client.InfoAsync(ids[RandomNumberGenerator.GetInt32(ids.Count)], cancellationToken));
        var latency = result.Latency("info");
        context.Table.Add(
            $"  info latency, open loop at {ResultTable.Number(rate, "0")} req/s (= {TargetShareOfCeiling} % of ceiling)",
            latency.ToString(),
            target: $"p99 ≤ {TargetP99Milliseconds} ms",
            verdict: ResultTable.Verdict(latency.P99 <= TargetP99Milliseconds && result.Errors == 0));
        context.NotePhase("info paced", result, "requests", " (latency counted from each request's scheduled start)");
    }
}
