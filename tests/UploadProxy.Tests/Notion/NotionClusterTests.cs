using UploadProxy.Fakes;
using UploadProxy.Grains;
using UploadProxy.Tests.Grains;
using UploadProxy.Tests.Support;

namespace UploadProxy.Tests.Notion;

/// <summary>Two silos linking into one Notion database (database-parent API version) through the cluster's rate gate.</summary>
public sealed class NotionClusterFixture : UploadSessionClusterFixture
{
    public const double RequestsPerSecond = 20;
    public const int Burst = 3;

    public FakeNotionServer Notion { get; private set; } = null!;

    protected override async Task ConfigureAsync(Dictionary<string, string?> settings)
    {
        // The fake answers 429 past the rate, with the small burst allowance Notion has; the sliding-window count
        // asserted below is what proves the product sends no bursts.
        Notion = await FakeNotionServer.StartAsync(new FakeNotionOptions { RequestsPerSecond = RequestsPerSecond, Burst = Burst });
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

    [Fact]
    public async Task Three_hundred_sessions_on_two_silos_make_three_hundred_rows_within_notions_rate()
    {
        var grains = fixture.Cluster.Client;
        var sessions = new List<IUploadSessionGrain>();
        for (var i = 0; i < SessionCount; i++)
        {
            var id = SessionId.New();
            var session = grains.GetGrain<IUploadSessionGrain>(id);
            await session.CreateAsync(new CreateSessionCommand { FileName = $"batch-{i:D3}.pdf" });
            await session.SendAsync(await fixture.StageAsync(id, SamplePdf.Create(seed: i)));
            sessions.Add(session);
        }

        using var patience = new CancellationTokenSource(TimeSpan.FromSeconds(120));
        foreach (var session in sessions)
        {
            while ((await session.GetAsync())!.Status != SessionStatus.Linked && !patience.IsCancellationRequested)
            {
                await Task.Delay(200, CancellationToken.None);
            }
        }

        var linked = new List<UploadSessionSnapshot>();
        foreach (var session in sessions)
        {
            linked.Add((await session.GetAsync())!);
        }

        Assert.All(linked, s => Assert.Equal(SessionStatus.Linked, s.Status));
        var rows = fixture.Notion.Pages;
        Assert.Equal(SessionCount, rows.Count);
        Assert.Equal(SessionCount, rows.Select(r => r.Text("Session ID")).Distinct().Count());
        Assert.All(linked, s => Assert.Equal(s.Storage!.SecureUrl, rows.Single(r => r.Id == s.Notion.PageId).Text("URL")));
        Assert.True(fixture.Notion.RateLimitedResponses == 0, $"{fixture.Notion.RateLimitedResponses} answers were 429; busiest second: {fixture.Notion.MaxRequestsInAnySecond}");
        // What a token bucket of that rate and burst lets through in any one second, as Notion's limit does.
        Assert.InRange(fixture.Notion.MaxRequestsInAnySecond, 1, (int)NotionClusterFixture.RequestsPerSecond + NotionClusterFixture.Burst);
    }
}
