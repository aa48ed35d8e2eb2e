using System.Diagnostics;
using System.Globalization;
using UploadProxy.Bench.Infrastructure;
using UploadProxy.Bench.Load;
using UploadProxy.Bench.Report;

namespace UploadProxy.Bench.Scenarios;

/// <summary>
/// Uploads not bound by how many clients wait. With Cloudinary answering in 400–800 ms, 16 synchronous clients store
/// about 16 documents per 0.6 s; with <c>Prefer: respond-async</c> the same 16 clients hand over their documents at once
/// and the silo stores them with its own concurrency (<c>Cloudinary:MaxConcurrentUploads</c>). The end-to-end rate is
/// counted from the first create to the last document stored at the fake.
/// </summary>
internal static class AsyncUploadScenario
{
    private const int Clients = 16;
    private const int Documents = 1_000;
    private const int SyncDocuments = 200;
    private const double TargetFactor = 4;
    private static readonly TimeSpan Latency = TimeSpan.FromMilliseconds(400);
    private static readonly TimeSpan LatencyJitter = TimeSpan.FromMilliseconds(400);
    private static readonly TimeSpan Patience = TimeSpan.FromMinutes(5);

    public static async Task RunAsync(BenchContext context)
    {
        var figure = $"async uploads: {Documents} × 1 MB, {Clients} clients, Cloudinary 400–800 ms";
        if (context.ExternalGateway)
        {
            context.Table.Add(figure, "n/a (external gateway: its Cloudinary is not the bench's fake)");
            return;
        }

        var cloudinary = await context.CloudinaryAsync();
        cloudinary.Latency = Latency;
        cloudinary.LatencyJitter = LatencyJitter;
        try
        {
            foreach (var slots in new[] { 32, 64 })
            {
                await RunWithSlotsAsync(context, slots);
            }
        }
        finally
        {
            cloudinary.Latency = TimeSpan.Zero;
            cloudinary.LatencyJitter = TimeSpan.Zero;
        }
    }

    private static async Task RunWithSlotsAsync(BenchContext context, int slots)
    {
        var cloudinary = await context.CloudinaryAsync();
        var settings = new Dictionary<string, string>(StringComparer.Ordinal)
        {
            ["Cloudinary__MaxConcurrentUploads"] = slots.ToString(CultureInfo.InvariantCulture),
        };
        await using var gateway = await context.StartGatewayAsync($"async-{slots}", settings);
        using var client = new UploadProxyClient(gateway, Clients);
        var payload = new DocumentPayload(SamplePdf.Create(Sizes.Megabyte));

        Progress.Say($"async uploads ({slots} slots): {SyncDocuments} synchronous sends first");
        var synchronous = await LoadRunner.RunAsync(Clients, TimeSpan.Zero, Patience, SyncDocuments, async (_, cancellationToken) =>
        {
            var id = await client.CreateAsync(cancellationToken);
            await client.SendAsync(id, payload.CreateContent(), respondAsync: false, cancellationToken);
        });

        Progress.Say($"async uploads ({slots} slots): {Documents} documents with Prefer: respond-async");
        var storedBefore = cloudinary.Assets.Count;
        var started = Stopwatch.GetTimestamp();
        var handedOver = await LoadRunner.RunAsync(Clients, TimeSpan.Zero, Patience, Documents, async (_, cancellationToken) =>
        {
            var id = await client.CreateAsync(cancellationToken);
            await client.SendAsync(id, payload.CreateContent(), respondAsync: true, cancellationToken);
        });
        var handedOverIn = Stopwatch.GetElapsedTime(started);
        while (cloudinary.Assets.Count - storedBefore < handedOver.Completed && Stopwatch.GetElapsedTime(started) < Patience)
        {
            await Task.Delay(50);
        }

        var elapsed = Stopwatch.GetElapsedTime(started);
        var stored = cloudinary.Assets.Count - storedBefore;
        var rate = stored / elapsed.TotalSeconds;
        var target = TargetFactor * synchronous.PerSecond;
        context.Table.Add(
            $"synchronous sends, {Clients} clients, Cloudinary 400–800 ms ({slots} slots)",
            $"{ResultTable.Number(synchronous.PerSecond)} documents/s");
        context.Table.Add(
            $"async uploads: {stored} × 1 MB end to end, {Clients} clients, MaxConcurrentUploads {slots}",
            $"{ResultTable.Number(rate)} documents/s (handed over in {ResultTable.Number(handedOverIn.TotalSeconds)} s, all stored in {ResultTable.Number(elapsed.TotalSeconds)} s)",
            target: $"≥ {TargetFactor}× synchronous ({ResultTable.Number(target)}/s)",
            verdict: ResultTable.Verdict(stored == Documents && rate >= target));
        gateway.ReportPeakMemory(context.Table);
    }
}
