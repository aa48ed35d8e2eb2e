using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using System.Text;
using UploadProxy.Bench.Infrastructure;
using UploadProxy.Bench.Load;
using UploadProxy.Bench.Report;

namespace UploadProxy.Bench.Scenarios;

/// <summary>
/// One 100 MB document over tus in 5 MB PATCHes, as tus-js-client or <c>uploadproxy upload --resumable</c> sends it:
/// the transfer's throughput (each PATCH fsynced before its offset is acknowledged), and how much the gateway's
/// resident memory grows meanwhile, measured as <see cref="LargeDocumentScenario"/> measures a send.
/// </summary>
internal static class TusUploadScenario
{
    private const long DocumentBytes = 100 * Sizes.Megabyte;
    private const int ChunkBytes = 5 * (int)Sizes.Megabyte;
    private static readonly MediaTypeHeaderValue OffsetStream = new("application/offset+octet-stream");

    public static async Task RunAsync(BenchContext context)
    {
        var settings = new Dictionary<string, string>(StringComparer.Ordinal)
        {
            ["UPLOADPROXY_MAX_DOCUMENT_BYTES"] = (2 * DocumentBytes).ToString(CultureInfo.InvariantCulture),
        };
        await using var gateway = await context.StartGatewayAsync("tus", settings);
        using var http = new HttpClient(BenchHttp.CreateHandler(1)) { BaseAddress = gateway.Address, Timeout = TimeSpan.FromMinutes(5) };
        if (gateway.ApiKey is { } key)
        {
            http.DefaultRequestHeaders.Add("X-Api-Key", key);
        }

        http.DefaultRequestHeaders.Add("Tus-Resumable", "1.0.0");

        // Warm up the tus path and the chunked Cloudinary upload (over 20 MB) before the baseline.
        Progress.Say("tus: warm-up");
        var warmUp = Path.Combine(context.TempRoot, "tus-warm-up.pdf");
        foreach (var megabytes in new[] { 1, 25 })
        {
            SamplePdf.WriteFile(warmUp, megabytes * Sizes.Megabyte);
            await UploadAsync(http, warmUp);
        }

        File.Delete(warmUp);
        var file = Path.Combine(context.TempRoot, "tus.pdf");
        SamplePdf.WriteFile(file, DocumentBytes);
        await Task.Delay(TimeSpan.FromSeconds(5));

        Progress.Say("tus: one 100 MB document in 5 MB chunks");
        await MemoryGrowth.MeasureAsync(context, gateway.ProcessId, "tus", "100 MB document over tus (5 MB PATCHes): RSS growth of the gateway+silo process", async () =>
        {
            var (transfer, stored) = await UploadAsync(http, file);
            return $"{DocumentBytes / ChunkBytes} PATCHes took {ResultTable.Number(transfer.TotalSeconds)} s " +
                $"({ResultTable.Number(Sizes.Megabytes(DocumentBytes) / transfer.TotalSeconds)} MB/s), stored after {ResultTable.Number(stored.TotalSeconds)} s";
        });
        File.Delete(file);
    }

    /// <summary>Creates the upload, PATCHes the file in 5 MB chunks, then polls until it is stored; returns both times.</summary>
    private static async Task<(TimeSpan Transfer, TimeSpan Stored)> UploadAsync(HttpClient http, string path)
    {
        var length = new FileInfo(path).Length;
        var start = Stopwatch.GetTimestamp();
        using var create = new HttpRequestMessage(HttpMethod.Post, new Uri("/api/tus", UriKind.Relative));
        create.Headers.Add("Upload-Length", length.ToString(CultureInfo.InvariantCulture));
        create.Headers.Add("Upload-Metadata", $"filename {Convert.ToBase64String(Encoding.UTF8.GetBytes("bench-tus.pdf"))},batch_id {Convert.ToBase64String("bench"u8)}");
        using var created = await http.SendAsync(create);
        Expect(created, HttpStatusCode.Created);
        var upload = created.Headers.Location ?? throw new InvalidOperationException("tus create answered without a Location.");
        var sessionId = upload.OriginalString[(upload.OriginalString.LastIndexOf('/') + 1)..];

        var buffer = new byte[ChunkBytes];
        await using (var stream = File.OpenRead(path))
        {
            long offset = 0;
            while (offset < length)
            {
                var read = await stream.ReadAtLeastAsync(buffer, buffer.Length, throwOnEndOfStream: false);
                using var patch = new HttpRequestMessage(HttpMethod.Patch, upload) { Content = new ByteArrayContent(buffer, 0, read) };
                patch.Content.Headers.ContentType = OffsetStream;
                patch.Headers.Add("Upload-Offset", offset.ToString(CultureInfo.InvariantCulture));
                using var patched = await http.SendAsync(patch);
                Expect(patched, HttpStatusCode.NoContent);
                offset += read;
            }
        }

        var transfer = Stopwatch.GetElapsedTime(start);
        while (true)
        {
            var info = await http.GetByteArrayAsync(new Uri($"{UploadProxyClient.BasePath}/info/{sessionId}", UriKind.Relative));
            var status = UploadProxyClient.ReadString(info, "status");
            if (status is "uploaded" or "linked")
            {
                return (transfer, Stopwatch.GetElapsedTime(start));
            }

            if (status is "failed" or "expired")
            {
                throw new InvalidOperationException($"The tus upload {sessionId} ended {status}.");
            }

            await Task.Delay(TimeSpan.FromMilliseconds(50));
        }
    }

    private static void Expect(HttpResponseMessage response, HttpStatusCode expected)
    {
        if (response.StatusCode != expected)
        {
            throw new InvalidOperationException($"{response.RequestMessage?.Method} {response.RequestMessage?.RequestUri} answered {(int)response.StatusCode}, not {(int)expected}.");
        }
    }
}
