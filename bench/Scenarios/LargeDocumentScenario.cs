using System.Diagnostics;
using System.Globalization;
using System.Net.Http.Headers;
using UploadProxy.Bench.Infrastructure;
using UploadProxy.Bench.Load;
using UploadProxy.Bench.Report;

namespace UploadProxy.Bench.Scenarios;

/// <summary>
/// One 100 MB document through gateway and silo (one process on one machine): how much the process's resident
/// memory grows above its warmed-up baseline while the document streams in, is staged and is uploaded in chunks.
/// </summary>
internal static class LargeDocumentScenario
{
    private const long DocumentBytes = 100 * Sizes.Megabyte;
    private const double TargetGrowthMegabytes = 32;
    private static readonly TimeSpan SampleInterval = TimeSpan.FromMilliseconds(10);

    public static async Task RunAsync(BenchContext context)
    {
        var settings = new Dictionary<string, string>(StringComparer.Ordinal)
        {
            ["UPLOADPROXY_MAX_DOCUMENT_BYTES"] = (2 * DocumentBytes).ToString(CultureInfo.InvariantCulture),
            ["UPLOADPROXY_SEND_TIMEOUT"] = "00:05:00",
        };
        await using var gateway = await context.StartGatewayAsync("large", settings);
        using var client = new UploadProxyClient(gateway, 2);

        // Warm up every path the large document takes, the chunked upload included (over 20 MB), before the baseline.
        Progress.Say("large: warm-up");
        foreach (var megabytes in new[] { 1, 1, 1, 25 })
        {
            await WorkflowAsync(client, new DocumentPayload(SamplePdf.Create(megabytes * Sizes.Megabyte)).CreateContent());
        }

        var file = Path.Combine(context.TempRoot, "large.pdf");
        SamplePdf.WriteFile(file, DocumentBytes);
        await Task.Delay(TimeSpan.FromSeconds(5));

        var pid = gateway.ProcessId;
        var baseline = pid is { } id ? await ProcessMemory.SettledResidentAsync(id, 3, TimeSpan.FromMilliseconds(300)) : 0;
        var peakReset = pid is { } resetId && ProcessMemory.TryResetPeak(resetId);

        Progress.Say("large: one 100 MB document");
        using var sampling = new CancellationTokenSource();
        var sampler = pid is { } sampledId ? SampleAsync(sampledId, sampling.Token) : Task.FromResult(0L);
        var start = Stopwatch.GetTimestamp();
        await using (var stream = File.OpenRead(file))
        {
            var document = new StreamContent(stream, 64 * 1024);
            document.Headers.ContentType = new MediaTypeHeaderValue("application/pdf");
            using var multipart = new MultipartFormDataContent { { document, "file", "large.pdf" } };
            await WorkflowAsync(client, multipart);
        }

        var elapsed = Stopwatch.GetElapsedTime(start);
        await sampling.CancelAsync();
        var sampledPeak = await sampler;
        File.Delete(file);

        var throughput = $"send took {ResultTable.Number(elapsed.TotalSeconds)} s ({ResultTable.Number(Sizes.Megabytes(DocumentBytes) / elapsed.TotalSeconds)} MB/s)";
        var figure = "100 MB document: RSS growth of the gateway+silo process";
        var target = $"≤ {TargetGrowthMegabytes} MB";
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
            verdict: ResultTable.Verdict(Sizes.Megabytes(growth) <= TargetGrowthMegabytes));
        if (!peakReset)
        {
            context.Table.Note("large: VmHWM could not be reset, so the peak is the highest VmRSS sampled every 10 ms.");
        }
    }

    private static async Task WorkflowAsync(UploadProxyClient client, HttpContent document)
    {
        var id = await client.CreateAsync(CancellationToken.None);
        var status = await client.SendAsync(id, document, respondAsync: false, CancellationToken.None);
        if (status is not ("uploaded" or "linked"))
        {
            throw new InvalidOperationException($"send answered status '{status}' for {id}.");
        }
    }

    /// <summary>The highest resident memory of the process, sampled every 10 ms until cancelled (the tus scenario's too).</summary>
    internal static async Task<long> SampleAsync(int pid, CancellationToken cancellationToken)
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
