using System.Globalization;
using System.Net;
using UploadProxy.Fakes;
using UploadProxy.Tests.Support;

namespace UploadProxy.Tests.Notion;

/// <summary>
/// One row per document when a create's outcome is unknown: it committed after the client gave up, or the process
/// died while it was in flight. Notion's own rate (3/s, burst 3) on the fake; the product keeps to 2.5/s.
/// </summary>
public sealed class NotionExactlyOnceTests
{
    // Upper bounds only: every wait ends as soon as its condition holds.
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(60);

    [Fact]
    public async Task A_create_that_commits_after_the_clients_timeout_makes_exactly_one_row()
    {
        var attemptTimeout = TimeSpan.FromSeconds(3);
        await using var cloudinary = await FakeCloudinaryServer.StartAsync();
        await using var notion = await FakeNotionServer.StartAsync(new FakeNotionOptions { Burst = 3, QueryIndexLag = TimeSpan.FromSeconds(2) });
        var settings = TestSettings.Standalone(TestSettings.NewDataDirectory())
            .WithCloudinary(cloudinary)
            .WithNotion(notion, notion.AddDatabase("DB-DOCUMENTS", NotionDatabases.Documents), "2025-09-03", requestsPerSecond: 2.5);
        settings["Notion:AttemptTimeout"] = attemptTimeout.ToString();
        // Counted from when the client gave up: the page commits 1 s later and shows in queries 2 s after that.
        settings["Notion:QueryIndexLag"] = "00:00:05";
        await using var gateway = new GatewayFactory(settings);
        var client = new UploadProxyClient(gateway.CreateClient());
        var id = await client.CreateIdAsync(new { filename = "late-commit.pdf" });
        notion.CommitNextCreateAfter(attemptTimeout + TimeSpan.FromSeconds(1));

        await client.SendAsync(id, SamplePdf.Create(seed: 11), respondAsync: true);
        var linked = await client.WaitForStatusAsync(id, s => s is "linked" or "failed", Patience);

        Assert.Equal("linked", linked.GetProperty("status").GetString());
        var row = Assert.Single(notion.Pages, p => p.Text("Session ID") == id);
        Assert.Equal(row.Id, linked.GetProperty("notion").GetProperty("page_id").GetString());
        Assert.Single(notion.Requests, r => r.Method == "POST" && r.Path == "/v1/pages");
        Assert.Equal(0, notion.RateLimitedResponses);
    }

    [Fact]
    public async Task A_gateway_killed_between_the_page_create_and_the_state_save_makes_exactly_one_row()
    {
        var productLag = TimeSpan.FromSeconds(3);
        await using var cloudinary = await FakeCloudinaryServer.StartAsync();
        await using var notion = await FakeNotionServer.StartAsync(new FakeNotionOptions { Burst = 3, QueryIndexLag = TimeSpan.FromSeconds(1) });
        var databaseId = notion.AddDatabase("DB-DOCUMENTS", NotionDatabases.Documents);
        var dataDirectory = TestSettings.NewDataDirectory();
        // The original app's environment names, as a user of the Node.js app has them in .env.
        var environment = new Dictionary<string, string?>
        {
            ["CLOUDINARY_URL"] = $"cloudinary://{cloudinary.ApiKey}:{cloudinary.ApiSecret}@{cloudinary.CloudName}",
            ["CLOUDINARY_UPLOAD_PREFIX"] = cloudinary.UploadPrefix.ToString(),
            ["UPLOADPROXY_DATA_DIR"] = dataDirectory,
            ["NOTION_TOKEN"] = notion.Token,
            ["NOTION_DATABASE_ID"] = databaseId,
            ["NOTION_BASE_URL"] = notion.BaseUrl.AbsoluteUri.TrimEnd('/'),
            ["Notion__RequestsPerSecond"] = 2.5.ToString(CultureInfo.InvariantCulture),
            ["Notion__QueryIndexLag"] = productLag.ToString(),
        };
        foreach (var (key, value) in TestSettings.Standalone(dataDirectory).Where(s => s.Key != "Standalone:DataDirectory"))
        {
            environment[key.Replace(":", "__", StringComparison.Ordinal)] = value;
        }

        string id;
        notion.HoldNextCreate();
        await using (var first = await GatewayProcess.StartAsync(environment, dataDirectory))
        {
            var client = new UploadProxyClient(new HttpClient { BaseAddress = first.Address });
            id = await client.CreateIdAsync(new { filename = "killed.pdf" });
            var (sent, _) = await client.SendAsync(id, SamplePdf.Create(seed: 12), respondAsync: true);
            Assert.Equal(HttpStatusCode.Accepted, sent.StatusCode);
            await WaitUntilAsync(() => notion.HeldCreates == 1, "the page create reached Notion", first.Output);

            // Notion takes its time: by the kill the create has been in flight longer than the index lag the product
            // assumes, so "not found" counted from the attempt would already be trusted. A scenario step, not a margin.
            await Task.Delay(productLag);
            await first.KillAsync();
        }

        var restartedAt = DateTimeOffset.UtcNow;
        await using var second = await GatewayProcess.StartAsync(environment, dataDirectory);
        // Nobody calls the session: its reminder resumes it, and it looks the row up before anything else.
        await WaitUntilAsync(
            () => notion.Requests.Any(r => r.Time > restartedAt && r.Path.EndsWith("/query", StringComparison.Ordinal)),
            "the resumed session looked its row up",
            second.Output);
        // Only now does the create of the killed process commit, as a write Notion finished after its client vanished.
        Assert.Equal(1, notion.ReleaseHeldCreates());

        var restarted = new UploadProxyClient(new HttpClient { BaseAddress = second.Address });
        var linked = await restarted.WaitForStatusAsync(id, s => s is "linked" or "failed", Patience);

        Assert.True("linked" == linked.GetProperty("status").GetString(), $"{linked}\n{second.Output}");
        var row = Assert.Single(notion.Pages, p => p.Text("Session ID") == id);
        Assert.Equal(row.Id, linked.GetProperty("notion").GetProperty("page_id").GetString());
        Assert.Single(notion.Requests, r => r.Method == "POST" && r.Path == "/v1/pages");
        Directory.Delete(dataDirectory, recursive: true);
    }

    private static async Task WaitUntilAsync(Func<bool> condition, string what, string output)
    {
        using var patience = new CancellationTokenSource(Patience);
        while (!condition())
        {
            Assert.False(patience.IsCancellationRequested, $"Not seen within {Patience}: {what}.\n{output}");
            await Task.Delay(20, CancellationToken.None);
        }
    }
}
