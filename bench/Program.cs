using System.Globalization;
using System.Runtime.InteropServices;
using UploadProxy.Bench.Ceiling;
using UploadProxy.Bench.Infrastructure;
using UploadProxy.Bench.Micro;
using UploadProxy.Bench.Report;
using UploadProxy.Bench.Scenarios;

namespace UploadProxy.Bench;

/// <summary>
/// UploadProxy's benchmark kit: starts the fakes and the gateway on loopback, drives them, and prints one table of
/// the product's figures beside the machine's ceiling measured in the same run and the targets.
/// </summary>
internal static class Program
{
    private static readonly string[] Commands = ["all", "workflow", "info", "memory", "large", "tus", "async", "notion", "ceiling", "micro"];

    public static async Task<int> Main(string[] args)
    {
        if (args is [CeilingServer.Command, var port])
        {
            return await CeilingServer.RunAsync(int.Parse(port, CultureInfo.InvariantCulture));
        }

        if (BenchOptions.Parse(args) is not { } options || !Commands.Contains(options.Command))
        {
            await Console.Error.WriteLineAsync(BenchOptions.Usage);
            return 2;
        }

        if (options.Command == "micro")
        {
            return MicroBenchmarks.Run(options.MicroArguments);
        }

        // The in-process fakes are ASP.NET Core hosts whose lifetime would take Ctrl+C and SIGTERM for themselves and
        // leave the run going without them: stop the whole run instead (exit handlers kill the servers it started).
        using var interrupt = PosixSignalRegistration.Create(PosixSignal.SIGINT, Stop);
        using var terminate = PosixSignalRegistration.Create(PosixSignal.SIGTERM, Stop);

        await using var context = new BenchContext(options);
        var exitCode = 0;
        try
        {
            await RunAsync(context);
        }
        catch (Exception ex) when (ex is InvalidOperationException or HttpRequestException or TimeoutException or IOException)
        {
            context.Table.Note($"the run stopped early: {ex.Message}");
            exitCode = 1;
        }

        context.Table.Add("peak RSS, bench process (load generator, fake Cloudinary and Notion)", ResultTable.Megabytes(ProcessMemory.Peak(Environment.ProcessId)));
        context.Table.Note(Machine());
        context.Table.Note(
            $"settings: warm-up {options.Warmup.TotalSeconds} s and measured {options.Duration.TotalSeconds} s per throughput phase; " +
            $"{options.InfoSessions} sessions for info polling, {options.IdleSessions} for memory, {options.NotionSessions} for Notion; " +
            (options.Gateway is { } gateway ? $"external gateway {gateway}." : "one gateway process per scenario group, on SQLite, fresh data folder each."));
        Console.WriteLine(context.Table.Render());
        return exitCode;
    }

    private static async Task RunAsync(BenchContext context)
    {
        var command = context.Options.Command;
        if (command is "all" or "ceiling" or "workflow" or "info")
        {
            await using var ceiling = await CeilingScenario.StartAsync(context);
            if (command == "ceiling")
            {
                await ceiling.MeasureJsonAsync();
                await ceiling.MeasureUploadAsync();
                return;
            }

            await using var gateway = await context.StartGatewayAsync("throughput");
            if (command is "all" or "workflow")
            {
                await ceiling.MeasureUploadAsync();
                await WorkflowScenario.RunAsync(context, gateway);
            }

            if (command is "all" or "info")
            {
                await InfoPollingScenario.RunAsync(context, gateway, ceiling);
            }

            gateway.ReportPeakMemory(context.Table);
        }

        if (command is "all" or "memory")
        {
            await IdleMemoryScenario.RunAsync(context);
        }

        if (command is "all" or "large")
        {
            await LargeDocumentScenario.RunAsync(context);
        }

        if (command is "all" or "tus")
        {
            await TusUploadScenario.RunAsync(context);
        }

        if (command is "all" or "async")
        {
            await AsyncUploadScenario.RunAsync(context);
        }

        if (command is "all" or "notion")
        {
            await NotionDrainScenario.RunAsync(context);
        }
    }

    private static void Stop(PosixSignalContext signal)
    {
        signal.Cancel = true;
        Progress.Say($"{signal.Signal}: stopping");
        Environment.Exit(130);
    }

    private static string Machine()
    {
        var cpu = File.ReadLines("/proc/cpuinfo").FirstOrDefault(line => line.StartsWith("model name", StringComparison.Ordinal))?.Split(':', 2)[1].Trim() ?? "unknown CPU";
        var memory = File.ReadLines("/proc/meminfo").FirstOrDefault(line => line.StartsWith("MemTotal:", StringComparison.Ordinal))?.Split(':', 2)[1].Trim() ?? "unknown";
        return $"machine: {Environment.ProcessorCount} cores, {cpu}, {memory} memory, {RuntimeInformation.OSDescription}, {RuntimeInformation.FrameworkDescription}.";
    }
}
