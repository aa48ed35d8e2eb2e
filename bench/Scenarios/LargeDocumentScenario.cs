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

        Progress.Say("large: one 100 MB document");
        await MemoryGrowth.MeasureAsync(context, gateway.ProcessId, "large", "100 MB document: RSS growth of the gateway+silo process", async () =>
        {
            var start = Stopwatch.GetTimestamp();
            await using (var stream = File.OpenRead(file))
            {
                var document = new StreamContent(stream, 64 * 1024);
                document.Headers.ContentType = new MediaTypeHeaderValue("application/pdf");
                using var multipart = new MultipartFormDataContent { { document, "file", "large.pdf" } };
                await WorkflowAsync(client, multipart);
            }

            var elapsed = Stopwatch.GetElapsedTime(start);
            return $"send took {ResultTable.Number(elapsed.TotalSeconds)} s ({ResultTable.Number(Sizes.Megabytes(DocumentBytes) / elapsed.TotalSeconds)} MB/s)";
        });
        File.Delete(file);
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
}
