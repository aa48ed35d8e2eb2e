using System.Net;
using Microsoft.Playwright;
using UploadProxy.Fakes;
using UploadProxy.Fakes.Webhooks;
using UploadProxy.Tests.Support;

namespace UploadProxy.Tests.Dashboard;

/// <summary>The dashboard page in a real browser (Debian's Chromium driven by Playwright) against the real gateway process.</summary>
public sealed class DashboardTests
{
    private const string ApiKey = "dashboard-test-key";
    private const string BatchId = "dashboard-demo";
    private const int BatchSize = 5;
    // Smaller than the batch, so the page must load it in three pages.
    private const int PageSize = 2;
    private const string ChromiumPath = "/usr/bin/chromium";
    private const int ViewportWidth = 1280;
    // Notion's own limit, which the gateway is configured to keep to and the ETA is counted from.
    private const double NotionRowsPerSecond = 3;
    private static readonly float PageTimeout = (float)TimeSpan.FromSeconds(60).TotalMilliseconds;

    [Fact]
    public async Task The_dashboard_follows_a_batch_live_with_an_api_key_until_every_document_has_its_permanent_link()
    {
        await using var cloudinary = await FakeCloudinaryServer.StartAsync();
        var dataDirectory = TestSettings.NewDataDirectory();
        await using var gateway = await GatewayProcess.StartAsync(GatewayEnvironment(cloudinary, dataDirectory), dataDirectory);
        using var anonymous = new HttpClient { BaseAddress = gateway.Address };
        Assert.Equal(HttpStatusCode.Unauthorized, (await anonymous.GetAsync("/api/batches")).StatusCode);

        // The uploads are held, so the page opens on an unfinished batch and must follow it to the end by itself.
        cloudinary.HoldUploads();
        var client = new UploadProxyClient(AuthenticatedHttp(gateway.Address));
        var sessionIds = new List<string>();
        for (var i = 0; i < BatchSize; i++)
        {
            var id = await client.CreateIdAsync(new { filename = $"dashboard-{i + 1:D2}.pdf", batch_id = BatchId });
            var (response, _) = await client.SendAsync(id, SamplePdf.Create(seed: i, minimumBytes: (i + 1) * 40 * 1024), respondAsync: true);
            Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
            sessionIds.Add(id);
        }

        using var playwright = await Playwright.CreateAsync();
        await using var browser = await playwright.Chromium.LaunchAsync(ChromiumOptions());
        var page = await browser.NewPageAsync(new BrowserNewPageOptions { ViewportSize = new ViewportSize { Width = ViewportWidth, Height = 860 } });
        page.SetDefaultTimeout(PageTimeout);
        Assertions.SetDefaultExpectTimeout(PageTimeout);
        var console = new List<string>();
        page.Console += (_, message) => console.Add($"{message.Type}: {message.Text}");
        page.PageError += (_, error) => console.Add($"page error: {error}");

        try
        {
            await page.GotoAsync(new Uri(gateway.Address, $"/?page_size={PageSize}").ToString());
            await page.Locator("#api-key").FillAsync(ApiKey);
            await page.GetByRole(AriaRole.Button, new() { Name = "Save" }).ClickAsync();
            await page.Locator($"#batch-list [data-batch-id='{BatchId}']").ClickAsync();

            await Assertions.Expect(page.Locator("#batch-title")).ToHaveTextAsync(BatchId);
            var rows = page.Locator("#session-rows tr");
            var more = page.GetByRole(AriaRole.Button, new() { Name = "Show more" });
            await Assertions.Expect(rows).ToHaveCountAsync(PageSize);
            await Assertions.Expect(page.Locator("#sessions-shown")).ToHaveTextAsync($"Showing {PageSize} of {BatchSize} sessions.");
            for (var shown = PageSize; shown < BatchSize; shown += PageSize)
            {
                await more.ClickAsync();
                await Assertions.Expect(rows).ToHaveCountAsync(Math.Min(shown + PageSize, BatchSize));
            }

            await Assertions.Expect(more).ToBeHiddenAsync();
            var shownIds = await rows.EvaluateAllAsync<string[]>("rows => rows.map(row => row.dataset.sessionId)");
            Assert.Equal(sessionIds, shownIds);
            await Assertions.Expect(page.Locator("#connection-label")).ToHaveTextAsync("live");
            Assert.NotEqual("100", await page.Locator("#batch-percent").TextContentAsync());

            cloudinary.Release();
            await Assertions.Expect(page.Locator("#batch-percent")).ToHaveTextAsync("100");
            await Assertions.Expect(page.Locator("#batch-progress")).ToHaveAttributeAsync("aria-valuenow", "100");
            await Assertions.Expect(page.Locator("#session-rows .badge.uploaded")).ToHaveCountAsync(BatchSize);

            var links = page.Locator("#session-rows a.document-link");
            await Assertions.Expect(links).ToHaveCountAsync(BatchSize);
            await Assertions.Expect(links).ToHaveTextAsync(Enumerable.Repeat("open", BatchSize).ToArray());
            var hrefs = await links.EvaluateAllAsync<string[]>("links => links.map(link => link.getAttribute('href'))");
            var urls = new List<string>();
            foreach (var id in sessionIds)
            {
                var (_, session) = await client.InfoAsync(id);
                urls.Add(session.GetProperty("url").GetString()!);
            }

            Assert.Equal(urls.Order(StringComparer.Ordinal), hrefs.Order(StringComparer.Ordinal));
            Assert.Equal(BatchSize, cloudinary.Assets.Count);
            await Assertions.Expect(page.Locator("#connection-label")).ToHaveTextAsync("live");

            // Beside the test binaries, not over the tracked docs/dashboard.png: copy it there by hand to refresh the README's picture.
            var screenshot = Path.Combine(AppContext.BaseDirectory, "dashboard.png");
            var png = await page.ScreenshotAsync(new PageScreenshotOptions
            {
                Path = screenshot,
                FullPage = true,
                Animations = ScreenshotAnimations.Disabled, // bars and row highlights as they end, not mid-transition
            });
            Assert.Equal(png, await File.ReadAllBytesAsync(screenshot));
            Assert.Equal(ViewportWidth, PngWidth(png));
        }
        catch (Exception ex) when (ex is PlaywrightException or TimeoutException)
        {
            throw new InvalidOperationException(
                $"{ex.Message}\n--- page console ---\n{string.Join('\n', console)}\n--- gateway ---\n{gateway.Output}", ex);
        }

        Directory.Delete(dataDirectory, recursive: true);
    }

    [Fact]
    public async Task An_operator_sees_the_pace_and_eta_filters_rows_by_status_and_retries_every_failed_link_once_the_database_is_fixed()
    {
        const string batchId = "dashboard-retry";
        const int refused = 4;
        const int waiting = 2;
        await using var cloudinary = await FakeCloudinaryServer.StartAsync();
        await using var notion = await FakeNotionServer.StartAsync(new FakeNotionOptions { RequestsPerSecond = NotionRowsPerSecond, Burst = 3 });
        var database = notion.AddDatabase("DB-DOCUMENTS", FakeNotionServer.DocumentsSchema);
        var dataDirectory = TestSettings.NewDataDirectory();
        var environment = GatewayEnvironment(cloudinary, dataDirectory);
        environment["NOTION_TOKEN"] = notion.Token;
        environment["NOTION_DATABASE_ID"] = database;
        environment["NOTION_BASE_URL"] = notion.BaseUrl.ToString();
        environment["Notion__Version"] = "2025-09-03";
        environment["Notion__RequestsPerSecond"] = NotionRowsPerSecond.ToString(System.Globalization.CultureInfo.InvariantCulture);
        environment["Notion__QueryIndexLag"] = "00:00:02";
        await using var gateway = await GatewayProcess.StartAsync(environment, dataDirectory);

        // A database whose rows Notion refuses: every stored document ends with its linking failed.
        notion.RefusePageCreations("Session ID is not a property that exists.");
        var client = new UploadProxyClient(AuthenticatedHttp(gateway.Address));
        var sessionIds = new List<string>();
        for (var i = 0; i < refused; i++)
        {
            var id = await client.CreateIdAsync(new { filename = $"refused-{i + 1:D2}.pdf", batch_id = batchId });
            await client.SendAsync(id, SamplePdf.Create(seed: 100 + i));
            sessionIds.Add(id);
        }

        foreach (var id in sessionIds)
        {
            await client.WaitForNotionStatusAsync(id, "failed", TimeSpan.FromSeconds(60));
        }

        // Two more the pipeline has opened and not sent yet: the link queue the ETA counts.
        var later = new List<string>();
        for (var i = 0; i < waiting; i++)
        {
            later.Add(await client.CreateIdAsync(new { filename = $"later-{i + 1:D2}.pdf", batch_id = batchId }));
        }

        using var playwright = await Playwright.CreateAsync();
        await using var browser = await playwright.Chromium.LaunchAsync(ChromiumOptions());
        var page = await browser.NewPageAsync(new BrowserNewPageOptions { ViewportSize = new ViewportSize { Width = ViewportWidth, Height = 860 } });
        page.SetDefaultTimeout(PageTimeout);
        Assertions.SetDefaultExpectTimeout(PageTimeout);
        var console = new List<string>();
        page.Console += (_, message) => console.Add($"{message.Type}: {message.Text}");
        page.PageError += (_, error) => console.Add($"page error: {error}");

        try
        {
            await page.GotoAsync(new Uri(gateway.Address, $"/#/batches/{batchId}").ToString());
            await page.Locator("#api-key").FillAsync(ApiKey);
            await page.GetByRole(AriaRole.Button, new() { Name = "Save" }).ClickAsync();
            await Assertions.Expect(page.Locator("#batch-title")).ToHaveTextAsync(batchId);
            var rows = page.Locator("#session-rows tr");
            await Assertions.Expect(rows).ToHaveCountAsync(refused + waiting);

            // The ETA from the queue and the configured rate, and a chart of the last 30 minutes with the stored documents.
            await Assertions.Expect(page.Locator("#batch-eta")).ToHaveTextAsync(
                $"{waiting} documents to link at {NotionRowsPerSecond} rows/s: under a minute left. {refused} failed to link: retry them below.");
            await Assertions.Expect(page.Locator("#throughput-chart g.minute")).ToHaveCountAsync(30);
            await Assertions.Expect(page.Locator("#throughput-chart circle.point.stored")).ToHaveCountAsync(30);
            Assert.Equal((refused, 0), await ChartTotalsAsync(page));
            var retryAll = page.Locator("#retry-failed");
            await Assertions.Expect(retryAll).ToHaveTextAsync($"Retry all failed ({refused})");

            // The status filter lists the sessions in one status, from the server.
            var filter = page.Locator("#status-filter");
            await filter.SelectOptionAsync("pending");
            await Assertions.Expect(rows).ToHaveCountAsync(waiting);
            Assert.Equal(later, await rows.EvaluateAllAsync<string[]>("rows => rows.map(row => row.dataset.sessionId)"));
            await filter.SelectOptionAsync("uploaded");
            await Assertions.Expect(rows).ToHaveCountAsync(refused);
            await Assertions.Expect(page.Locator("#session-rows .badge.uploaded")).ToHaveCountAsync(refused);
            await filter.SelectOptionAsync("linked");
            await Assertions.Expect(rows).ToHaveCountAsync(0);
            await Assertions.Expect(page.Locator("#sessions-empty")).ToHaveTextAsync("No session is linked.");
            await filter.SelectOptionAsync("");
            await Assertions.Expect(rows).ToHaveCountAsync(refused + waiting);

            // Beside the test binaries: copy it over docs/dashboard.png by hand to refresh the README's picture.
            await page.ScreenshotAsync(new PageScreenshotOptions
            {
                Path = Path.Combine(AppContext.BaseDirectory, "dashboard-retry.png"),
                FullPage = true,
                Animations = ScreenshotAnimations.Disabled,
            });

            // The database is fixed: one click restarts every failed link, and the rest of the batch arrives.
            notion.AcceptPageCreations();
            await retryAll.ClickAsync();
            await Assertions.Expect(page.Locator("#retry-failed-result")).ToHaveTextAsync($"Restarted {refused} Notion links.");
            foreach (var (id, i) in later.Select((id, i) => (id, i)))
            {
                await client.SendAsync(id, SamplePdf.Create(seed: 200 + i));
            }

            await Assertions.Expect(page.Locator("#session-rows .badge.linked")).ToHaveCountAsync(refused + waiting);
            await Assertions.Expect(page.Locator("#batch-percent")).ToHaveTextAsync("100");
            await Assertions.Expect(page.Locator("#session-rows a.notion-link")).ToHaveCountAsync(refused + waiting);
            await Assertions.Expect(retryAll).ToBeHiddenAsync();
            await Assertions.Expect(page.Locator("#batch-eta")).ToHaveTextAsync("Nothing left to link.");
            await page.WaitForFunctionAsync(
                $"() => [...document.querySelectorAll('#throughput-chart g.minute')].reduce((sum, g) => sum + Number(g.dataset.linked), 0) === {refused + waiting}");
            Assert.Equal((refused + waiting, refused + waiting), await ChartTotalsAsync(page));
            Assert.Equal(refused + waiting, notion.Pages.Count);
            Assert.Equal(sessionIds.Concat(later).Order(StringComparer.Ordinal), notion.Pages.Select(p => p.Text("Session ID")!).Order(StringComparer.Ordinal));
        }
        catch (Exception ex) when (ex is PlaywrightException or TimeoutException)
        {
            throw new InvalidOperationException(
                $"{ex.Message}\n--- page console ---\n{string.Join('\n', console)}\n--- gateway ---\n{gateway.Output}", ex);
        }

        Directory.Delete(dataDirectory, recursive: true);
    }

    [Fact]
    public async Task An_operator_sees_a_failing_webhook_endpoint_with_its_error_until_it_answers_again()
    {
        var secret = FakeWebhookReceiver.NewSecret();
        await using var receiver = await FakeWebhookReceiver.StartAsync(secret);
        await receiver.GoDownAsync();
        var dataDirectory = TestSettings.NewDataDirectory();
        var environment = TestSettings.Standalone(dataDirectory).AsEnvironment();
        environment["UPLOADPROXY_WEBHOOK_URLS"] = receiver.Url.AbsoluteUri;
        environment["UPLOADPROXY_WEBHOOK_SECRET"] = secret;
        environment["Webhooks__RetryBaseDelay"] = "00:00:00.200";
        environment["Webhooks__RetryMaxDelay"] = "00:00:01";
        await using var gateway = await GatewayProcess.StartAsync(environment, dataDirectory);
        var client = new UploadProxyClient(new HttpClient { BaseAddress = gateway.Address });
        var id = await client.CreateIdAsync(new { filename = "hooked.pdf" });
        await client.SendAsync(id, SamplePdf.Create(seed: 42));

        using var playwright = await Playwright.CreateAsync();
        await using var browser = await playwright.Chromium.LaunchAsync(ChromiumOptions());
        var page = await browser.NewPageAsync(new BrowserNewPageOptions { ViewportSize = new ViewportSize { Width = ViewportWidth, Height = 860 } });
        page.SetDefaultTimeout(PageTimeout);
        Assertions.SetDefaultExpectTimeout(PageTimeout);
        try
        {
            await page.GotoAsync(gateway.Address.ToString());
            var alerts = page.Locator("#webhook-alerts");
            await Assertions.Expect(alerts).ToBeVisibleAsync();
            var endpoint = alerts.Locator($"li[data-endpoint='{receiver.Url.AbsoluteUri}']");
            await Assertions.Expect(endpoint).ToContainTextAsync("No connection to the endpoint");
            await Assertions.Expect(endpoint).ToContainTextAsync("in a row");

            // The endpoint is back: the owed event is delivered, and the banner goes at the page's next look.
            await receiver.ComeBackAsync();
            await Assertions.Expect(alerts).ToBeHiddenAsync();
            Assert.Contains(receiver.Accepted, d => d.Type == "session.uploaded" && d.DataId == id);
        }
        catch (Exception ex) when (ex is PlaywrightException or TimeoutException)
        {
            throw new InvalidOperationException($"{ex.Message}\n--- gateway ---\n{gateway.Output}", ex);
        }

        Directory.Delete(dataDirectory, recursive: true);
    }

    /// <summary>The documents stored and linked that the chart's 30 minutes add up to, as drawn.</summary>
    private static async Task<(int Stored, int Linked)> ChartTotalsAsync(IPage page)
    {
        var totals = await page.Locator("#throughput-chart g.minute").EvaluateAllAsync<int[]>(
            "groups => groups.reduce(([s, l], g) => [s + Number(g.dataset.stored), l + Number(g.dataset.linked)], [0, 0])");
        return (totals[0], totals[1]);
    }

    private static Dictionary<string, string?> GatewayEnvironment(FakeCloudinaryServer cloudinary, string dataDirectory)
    {
        var environment = new Dictionary<string, string?>
        {
            ["CLOUDINARY_URL"] = $"cloudinary://{cloudinary.ApiKey}:{cloudinary.ApiSecret}@{cloudinary.CloudName}",
            ["CLOUDINARY_UPLOAD_PREFIX"] = cloudinary.UploadPrefix.ToString(),
            ["UPLOADPROXY_DATA_DIR"] = dataDirectory,
            ["Gateway__ApiKeys__0"] = ApiKey,
        };
        foreach (var (key, value) in TestSettings.Standalone(dataDirectory).Where(s => s.Key != "Standalone:DataDirectory"))
        {
            environment[key.Replace(":", "__", StringComparison.Ordinal)] = value;
        }

        return environment;
    }

    private static HttpClient AuthenticatedHttp(Uri address)
    {
        var http = new HttpClient { BaseAddress = address };
        http.DefaultRequestHeaders.Add("X-Api-Key", ApiKey);
        return http;
    }

    /// <summary>Debian's Chromium: Playwright's own browser download cannot run here, its driver ships in the NuGet package.</summary>
    private static BrowserTypeLaunchOptions ChromiumOptions() => new()
    {
        ExecutablePath = File.Exists(ChromiumPath)
            ? ChromiumPath
            : throw new FileNotFoundException("The dashboard test needs Debian's chromium (apt-get install chromium).", ChromiumPath),
        Headless = true,
        Args = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking", "--disable-component-update", "--disable-sync"],
    };

    /// <summary>The width a PNG's header gives: its signature, then the IHDR chunk's first field.</summary>
    private static int PngWidth(byte[] png)
    {
        Assert.Equal([0x89, (byte)'P', (byte)'N', (byte)'G'], png[..4]);
        Assert.Equal("IHDR", System.Text.Encoding.ASCII.GetString(png, 12, 4));
        return System.Buffers.Binary.BinaryPrimitives.ReadInt32BigEndian(png.AsSpan(16, 4));
    }
}
