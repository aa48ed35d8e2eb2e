using System.Globalization;
using UploadProxy.Bench.Infrastructure;
using UploadProxy.Bench.Load;
using UploadProxy.Bench.Report;
using UploadProxy.Fakes;

namespace UploadProxy.Bench.Scenarios;

/// <summary>
/// How fast the product drains its Notion backlog: documents are stored faster than Notion takes rows, so requests
/// queue behind the product's rate limit; the rate at which they reach the fake Notion is compared with that limit.
/// </summary>
internal static class NotionDrainScenario
{
    /// <summary>The product's setting (<c>Notion__RequestsPerSecond</c>, its default).</summary>
    private const double ConfiguredRate = 3;

    /// <summary>The fake allows a bit more, so that it never throttles a client that keeps to the configured rate.</summary>
    private const double FakeRate = ConfiguredRate * 1.2;

    private const double TargetShare = 95;
    private const int Concurrency = 16;
    private const string DatabaseTitle = "DB-DOCUMENTS";

    /// <summary>With no Notion request this long after the documents are stored, linking is taken as not available.</summary>
    private static readonly TimeSpan NoLinkingAfter = TimeSpan.FromSeconds(20);

    public static async Task RunAsync(BenchContext context)
    {
        var count = context.Options.NotionSessions;
        var figure = $"Notion drain rate ({count} documents)";
        var target = $"≥ {TargetShare} % of configured";
        var configured = $"{ResultTable.Number(ConfiguredRate)} req/s configured";
        if (context.ExternalGateway)
        {
            context.Table.Add(figure, "n/a (external gateway: its Notion is not the bench's fake)", configured, target: target);
            return;
        }

        await using var notion = await FakeNotionServer.StartAsync(new FakeNotionOptions { RequestsPerSecond = FakeRate });
        var database = notion.AddDatabase(DatabaseTitle, FakeNotionServer.DocumentsSchema);
        var settings = new Dictionary<string, string>(StringComparer.Ordinal)
        {
            ["NOTION_TOKEN"] = notion.Token,
            ["NOTION_DATABASE_ID"] = database,
            ["NOTION_BASE_URL"] = notion.BaseUrl.ToString(),
            ["Notion__RequestsPerSecond"] = ConfiguredRate.ToString(CultureInfo.InvariantCulture),
        };
        await using var gateway = await context.StartGatewayAsync("notion", settings);
        using var client = new UploadProxyClient(gateway, Concurrency);
        var payload = new DocumentPayload(SamplePdf.Create(64 * 1024, "Notion drain benchmark"));

        Progress.Say($"notion: storing {count} documents");
        var started = DateTimeOffset.UtcNow;
        var ids = new string?[count];
        var next = -1;
        var stored = await LoadRunner.RunAsync(Concurrency, TimeSpan.Zero, TimeSpan.FromMinutes(5), count, async (_, cancellationToken) =>
        {
            var slot = Interlocked.Increment(ref next);
            var id = await client.CreateAsync(cancellationToken);
            await client.SendAsync(id, payload.CreateContent(), respondAsync: false, cancellationToken);
            ids[slot] = id;
        });
        var sessions = ids.OfType<string>().ToList();
        var storedAt = DateTimeOffset.UtcNow;
        context.NotePhase("notion: storing", stored, "documents");

        Progress.Say($"notion: waiting for {sessions.Count} rows");
        var deadline = storedAt + TimeSpan.FromSeconds(30 + sessions.Count * 4 / ConfiguredRate);
        var pending = new HashSet<string>(sessions, StringComparer.Ordinal);
        var linked = 0;
        var failed = 0;
        while (pending.Count > 0 && DateTimeOffset.UtcNow < deadline)
        {
            await Task.Delay(TimeSpan.FromSeconds(1));
            foreach (var id in pending.ToList())
            {
                var status = UploadProxyClient.ReadString(await client.InfoAsync(id, CancellationToken.None), "status");
                if (status is "linked" or "failed")
                {
                    pending.Remove(id);
                    linked += status == "linked" ? 1 : 0;
                    failed += status == "failed" ? 1 : 0;
                }
            }

            if (linked == 0 && DateTimeOffset.UtcNow - storedAt > NoLinkingAfter && !notion.Requests.Any(r => r.Time >= started))
            {
                context.Table.Add(figure, "n/a (linking not available: no session reached \"linked\" and no request reached Notion)", configured, target: target);
                return;
            }
        }

        var requests = notion.Requests.Where(r => r.Time >= started).OrderBy(r => r.Time).ToList();
        if (requests.Count < 2)
        {
            context.Table.Add(figure, $"n/a (linking not available: {requests.Count} request reached Notion, {linked} sessions linked)", configured, target: target);
            return;
        }

        var window = requests[^1].Time - requests[0].Time;
        var rate = (requests.Count - 1) / window.TotalSeconds;
        var share = 100 * rate / ConfiguredRate;
        context.Table.Add(
            figure,
            $"{ResultTable.Number(rate, "0.00")} req/s ({requests.Count} requests in {ResultTable.Number(window.TotalSeconds)} s; {linked}/{sessions.Count} linked, {failed} failed)",
            configured,
            ResultTable.Percent(share),
            target,
            ResultTable.Verdict(share >= TargetShare && pending.Count == 0));
        context.Table.Note(
            $"notion: the fake allowed {ResultTable.Number(FakeRate)} req/s; it answered {notion.RateLimitedResponses} requests with 429, at most {notion.MaxRequestsInAnySecond} arrived in any one second; " +
            $"{string.Join(", ", requests.GroupBy(r => $"{r.Method} {RouteOf(r.Path)}").Select(g => $"{g.Count()} × {g.Key}"))}.");
        if (pending.Count > 0)
        {
            context.Table.Note($"notion: {pending.Count} sessions were still not linked when the wait ended.");
        }

        gateway.ReportPeakMemory(context.Table);
    }

    /// <summary>The route without ids, e.g. <c>/v1/pages</c> or <c>/v1/databases/{id}/query</c>.</summary>
    private static string RouteOf(string path) =>
        string.Join('/', path.Split('/').Select(part => Guid.TryParse(part, out _) ? "{id}" : part));
}
