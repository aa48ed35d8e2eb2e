using System.Net;
using Microsoft.Playwright;
using UploadProxy.Fakes;
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
