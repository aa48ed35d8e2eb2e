using UploadProxy.Fakes;
using UploadProxy.Grains;
using UploadProxy.Tests.Grains;
using UploadProxy.Tests.Support;

namespace UploadProxy.Tests.Notion;

/// <summary>Two silos linking into one Notion database (database-parent API version) through the cluster's rate gate.</summary>
/// <remarks>
/// Faster than Notion's 3 requests per second, so that 300 rows take about 25 s rather than 100 s: what these tests
/// prove (one schedule for the whole cluster, no bursts, a hold that stops both silos) does not depend on the rate.
/// The product's pace stays well under the fake's limit, so a request sent late on a busy machine cannot reach it.
/// </remarks>
public sealed class NotionClusterFixture : UploadSessionClusterFixture
{
    /// <summary>The fake's limit, a token bucket as Notion's.</summary>
    public const double NotionRequestsPerSecond = 20;
    public const int Burst = 3;

    /// <summary>The product's pace (<c>Notion:RequestsPerSecond</c>).</summary>
    public const double RequestsPerSecond = 12;

    public FakeNotionServer Notion { get; private set; } = null!;

    protected override async Task ConfigureAsync(Dictionary<string, string?> settings)
    {
        // The fake answers 429 past its rate, with the small burst allowance Notion has; the sliding-window count
        // asserted below is what proves the product sends no bursts.
        Notion = await FakeNotionServer.StartAsync(new FakeNotionOptions { RequestsPerSecond = NotionRequestsPerSecond, Burst = Burst });
        settings.WithNotion(Notion, Notion.AddDatabase("DB-DOCUMENTS", NotionDatabases.Documents), "2022-06-28", RequestsPerSecond);
    }

    public override async Task DisposeAsync()
    {
        await base.DisposeAsync();
        await Notion.DisposeAsync();
    }
}

public sealed class NotionClusterTests(NotionClusterFixture fixture) : IClassFixture<NotionClusterFixture>
{
    private const int SessionCount = 300;
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(120);

    [Fact]
    public async Task Three_hundred_sessions_on_two_silos_make_three_hundred_rows_within_notions_rate()
    {
        var before = fixture.Notion.Requests.Count;
        var sessions = await SendAsync(SessionCount, "batch", seed: 0);

        var linked = await WaitAsync(sessions, s => s.Status == SessionStatus.Linked);

        Assert.All(linked, s => Assert.Equal(SessionStatus.Linked, s.Status));
        var ids = linked.Select(s => s.Id).ToHashSet(StringComparer.Ordinal);
        var rows = fixture.Notion.Pages.Where(r => ids.Contains(r.Text("Session ID")!)).ToList();
        Assert.Equal(SessionCount, rows.Count);
        Assert.Equal(SessionCount, rows.Select(r => r.Text("Session ID")).Distinct().Count());
        Assert.All(linked, s => Assert.Equal(s.Storage!.SecureUrl, rows.Single(r => r.Id == s.Notion.PageId).Text("URL")));
        var requests = fixture.Notion.Requests.Skip(before).ToList();
        var busiest = RequestPace.MaxInAnySecond(requests);
        var pace = RequestPace.Average(requests);
        // The fake refuses what a token bucket of its rate and burst would, as Notion does: no 429 is the proof that
        // two silos sent no burst. A request can leave late (a busy machine delays it after its slot), never early,
        // so a second may hold a few more than the pace; over the run the pace is the configured one.
        Assert.True(requests.All(r => r.Status != 429), $"{requests.Count(r => r.Status == 429)} answers were 429; busiest second: {busiest}");
        Assert.InRange(busiest, 1, (int)NotionClusterFixture.NotionRequestsPerSecond + NotionClusterFixture.Burst);
        Assert.True(pace <= NotionClusterFixture.RequestsPerSecond * 1.1, $"{pace:F2} requests per second over the run");
    }

    [Fact]
    public async Task A_retry_after_from_notion_holds_both_silos_for_its_whole_window_and_each_row_is_created_once()
    {
        const int count = 40;
        var retryAfter = TimeSpan.FromSeconds(5);
        var before = fixture.Notion.Requests.Count;
        // Notion's per-workspace limit: the next request, from whichever silo, is told to wait 5 s.
        fixture.Notion.FailNext(1, 429, "rate_limited", "You have been rate limited. Please try again in a few minutes.", retryAfter);

        var sessions = await SendAsync(count, "held", seed: 1000);
        var linked = await WaitAsync(sessions, s => s.Status == SessionStatus.Linked);

        Assert.All(linked, s => Assert.Equal(SessionStatus.Linked, s.Status));
        var requests = fixture.Notion.Requests.Skip(before).ToList();
        var refused = Assert.Single(requests, r => r.Status == 429);
        // Requests already confirmed by the gate when the 429 reached it are on their way; the product cannot call
        // them back. Grace for them: 1 s. After that, nothing may arrive until the Retry-After has run out.
        var grace = TimeSpan.FromSeconds(1);
        var inWindow = requests.Where(r => r.Time > refused.Time + grace && r.Time < refused.Time + retryAfter).ToList();
        Assert.True(inWindow.Count == 0, $"{inWindow.Count} requests arrived within the Retry-After window:\n{string.Join("\n", requests.Select(r => $"{(r.Time - refused.Time).TotalSeconds:F2}s {r.Method} {r.Path} {r.Status}"))}");
        Assert.Contains(requests, r => r.Time >= refused.Time + retryAfter);
        var ids = linked.Select(s => s.Id).ToHashSet(StringComparer.Ordinal);
        var rows = fixture.Notion.Pages.Where(r => ids.Contains(r.Text("Session ID")!)).ToList();
        Assert.Equal(count, rows.Count);
        Assert.Equal(count, rows.Select(r => r.Text("Session ID")).Distinct().Count());
        Assert.All(linked, s => Assert.Single(rows, r => r.Id == s.Notion.PageId));
    }

    [Fact]
    public async Task A_row_that_can_never_be_written_ends_linking_failed_naming_the_key_and_asks_notion_no_more()
    {
        // The grain is called directly, as when the gateway did not know the schema at create: "NaN" cannot be a number.
        var id = SessionId.New();
        var session = fixture.Cluster.Client.GetGrain<IUploadSessionGrain>(id);
        await session.CreateAsync(new CreateSessionCommand { FileName = "nan.pdf", Metadata = new Dictionary<string, string> { ["amount"] = "NaN" } });
        await session.SendAsync(await fixture.StageAsync(id, SamplePdf.Create(seed: 2000)));

        var failed = (await WaitAsync([session], s => s.Notion.Status == NotionLinkStatus.Failed)).Single();
        var requestsAtFailure = fixture.Notion.Requests.Count;
        // Three recovery intervals (2 s in the tests' settings): a session that loops on a row it can never write
        // would have asked Notion again by then. This observes real time on purpose: it is the reminder's loop.
        await Task.Delay(TimeSpan.FromSeconds(6));

        Assert.Equal(SessionStatus.Uploaded, failed.Status);
        Assert.Equal(NotionLinkStatus.Failed, failed.Notion.Status);
        Assert.Contains("'amount'", failed.Error!.Message);
        Assert.Equal(requestsAtFailure, fixture.Notion.Requests.Count);
        Assert.DoesNotContain(fixture.Notion.Pages, p => p.Text("Session ID") == id);
        Assert.Equal(NotionLinkStatus.Failed, (await session.GetAsync())!.Notion.Status);
    }

    private async Task<List<IUploadSessionGrain>> SendAsync(int count, string name, int seed)
    {
        var sessions = new List<IUploadSessionGrain>();
        for (var i = 0; i < count; i++)
        {
            sessions.Add(await fixture.Cluster.Client.StartUploadAsync(fixture.Staging, $"{name}-{i:D3}.pdf", SamplePdf.Create(seed: seed + i)));
        }

        return sessions;
    }

    private static async Task<List<UploadSessionSnapshot>> WaitAsync(List<IUploadSessionGrain> sessions, Func<UploadSessionSnapshot, bool> done)
    {
        using var patience = new CancellationTokenSource(Patience);
        var snapshots = new List<UploadSessionSnapshot>();
        foreach (var session in sessions)
        {
            var snapshot = (await session.GetAsync())!;
            while (!done(snapshot) && !patience.IsCancellationRequested)
            {
                await Task.Delay(200, CancellationToken.None);
                snapshot = (await session.GetAsync())!;
            }

            snapshots.Add(snapshot);
        }

        return snapshots;
    }
}
