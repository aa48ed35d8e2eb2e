using System.Globalization;
using UploadProxy.Fakes;
using UploadProxy.Tests.Support;

namespace UploadProxy.Tests.Hosting;

/// <summary>What the gateway writes at its default log level, read the way a person reads its console.</summary>
public sealed class StartupLogTests
{
    private const string ApiKey = "startup-log-api-key-9Zq";
    private const int Documents = 10;
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(90);

    [Fact]
    public async Task At_the_default_level_the_gateway_says_where_it_listens_and_what_it_uses_then_one_line_per_transition_and_never_a_secret()
    {
        await using var cloudinary = await FakeCloudinaryServer.StartAsync(new FakeCloudinaryOptions { CloudName = "startup-cloud", ApiSecret = "cloudinary-secret-for-startup-log" });
        await using var notion = await FakeNotionServer.StartAsync(new FakeNotionOptions { Token = "secret_notion_token_for_startup_log", RequestsPerSecond = 20, Burst = 20 });
        var database = notion.AddDatabase("DB-DOCUMENTS", NotionDatabases.Documents);
        var dataDirectory = TestSettings.NewDataDirectory();
        var environment = new Dictionary<string, string?>
        {
            // The names a user sets; no logging setting, so the gateway's own appsettings.json decides.
            ["CLOUDINARY_URL"] = $"cloudinary://{cloudinary.ApiKey}:{cloudinary.ApiSecret}@{cloudinary.CloudName}",
            ["CLOUDINARY_UPLOAD_PREFIX"] = cloudinary.UploadPrefix.ToString(),
            ["NOTION_TOKEN"] = notion.Token,
            ["NOTION_DATABASE_ID"] = database,
            ["NOTION_BASE_URL"] = notion.BaseUrl.ToString(),
            ["Notion__RequestsPerSecond"] = "20",
            ["UPLOADPROXY_DATA_DIR"] = dataDirectory,
            ["UPLOADPROXY_API_KEYS"] = ApiKey,
            ["Cluster__SiloPort"] = FreePort.Next().ToString(CultureInfo.InvariantCulture),
            ["Cluster__GatewayPort"] = FreePort.Next().ToString(CultureInfo.InvariantCulture),
        };
        await using var gateway = await GatewayProcess.StartAsync(environment, dataDirectory);
        var address = gateway.Address.ToString().TrimEnd('/');

        // The gateway's report, and the silo's check of the Notion database, which runs beside it.
        var startup = await LinesAsync(gateway, lines => lines.Any(l => l.Contains("Data folder:", StringComparison.Ordinal))
            && lines.Any(l => l.Contains("The Notion database has every property", StringComparison.Ordinal)));
        Assert.Contains(startup, l => l.Contains($"Listening on {address}: dashboard {address}/, API docs {address}/docs", StringComparison.Ordinal));
        Assert.Contains(startup, l => l.Contains("Storage: Cloudinary, cloud startup-cloud", StringComparison.Ordinal));
        Assert.Contains(startup, l => l.Contains($"Notion linking: on, database {database}", StringComparison.Ordinal));
        Assert.Contains(startup, l => l.Contains("Cluster: one machine", StringComparison.Ordinal));
        Assert.Contains(startup, l => l.Contains($"Data folder: {dataDirectory} (session state and staged documents)", StringComparison.Ordinal));
        Assert.Contains(startup, l => l.Contains("API keys required on /api (1 configured)", StringComparison.Ordinal));
        Assert.DoesNotContain(startup, l => l.Contains("ServerGC", StringComparison.Ordinal) || l.Contains("Watchdog", StringComparison.Ordinal));

        using var http = new HttpClient { BaseAddress = gateway.Address };
        http.DefaultRequestHeaders.Add("X-Api-Key", ApiKey);
        var client = new UploadProxyClient(http);
        var sessions = new List<string>();
        for (var i = 0; i < Documents; i++)
        {
            var id = await client.CreateIdAsync(new { filename = $"startup-{i:D2}.pdf", batch_id = "startup-log" });
            await client.SendAsync(id, SamplePdf.Create(seed: 900 + i));
            sessions.Add(id);
        }

        foreach (var id in sessions)
        {
            var session = await client.WaitForStatusAsync(id, s => s is "linked" or "failed", Patience);
            Assert.Equal("linked", session.GetProperty("status").GetString());
        }

        // Stored, then linked: one line each, and no library chatter.
        var all = await LinesAsync(gateway, lines => lines.Count(l => l.Contains(" linked as Notion page ", StringComparison.Ordinal)) >= Documents);
        var batch = all.Skip(startup.Count).ToList();
        Assert.Equal(2 * Documents, batch.Count(l => sessions.Any(id => l.Contains(id, StringComparison.Ordinal))));
        foreach (var id in sessions)
        {
            Assert.Single(batch, l => l.Contains($"Session {id} stored as ", StringComparison.Ordinal));
            Assert.Single(batch, l => l.Contains($"Session {id} linked as Notion page ", StringComparison.Ordinal));
        }

        Assert.True(batch.Count <= 2 * Documents, $"{batch.Count} lines for {Documents} documents:\n{string.Join('\n', batch)}");
        Assert.DoesNotContain(all, l => l.Contains(" Polly[", StringComparison.Ordinal) || l.Contains(" Orleans.", StringComparison.Ordinal)
            || l.Contains(" System.Net.Http.", StringComparison.Ordinal));

        foreach (var secret in (string[])[cloudinary.ApiSecret, cloudinary.ApiKey, notion.Token, ApiKey])
        {
            Assert.DoesNotContain(all, l => l.Contains(secret, StringComparison.Ordinal));
        }

        Directory.Delete(dataDirectory, recursive: true);
    }

    [Fact]
    public async Task Without_settings_the_start_up_lines_name_local_storage_no_notion_one_machine_and_the_data_folder()
    {
        var dataDirectory = TestSettings.NewDataDirectory();
        var settings = TestSettings.Standalone(dataDirectory);
        settings["Logging:LogLevel:Default"] = "Information";
        var logs = new CapturedLogs();
        await using var gateway = new GatewayFactory(settings, logs);
        using var http = gateway.CreateClient();
        Assert.True((await http.GetAsync("/health/live")).IsSuccessStatusCode);

        var report = logs.Lines.Where(l => l.StartsWith("Information UploadProxy.Gateway:", StringComparison.Ordinal)).ToList();
        Assert.Contains(report, l => l.Contains($"Storage: local, in {Path.Combine(dataDirectory, "documents")}, served at http://localhost:5000/documents", StringComparison.Ordinal));
        Assert.Contains(report, l => l.Contains("Notion linking: off", StringComparison.Ordinal));
        Assert.Contains(report, l => l.Contains("Webhooks: off (set UPLOADPROXY_WEBHOOK_URLS", StringComparison.Ordinal));
        Assert.Contains(report, l => l.Contains("Cluster: one machine", StringComparison.Ordinal));
        Assert.Contains(report, l => l.Contains($"Data folder: {dataDirectory} (session state, staged and stored documents)", StringComparison.Ordinal));
    }

    /// <summary>The gateway's output lines once they satisfy <paramref name="complete"/>: the console logger writes on its own thread.</summary>
    private static async Task<List<string>> LinesAsync(GatewayProcess gateway, Func<List<string>, bool> complete)
    {
        using var deadline = new CancellationTokenSource(Patience);
        while (true)
        {
            var lines = gateway.Output.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).ToList();
            if (complete(lines))
            {
                return lines;
            }

            Assert.False(deadline.IsCancellationRequested, $"The gateway's output did not get there within {Patience}:\n{gateway.Output}");
            await Task.Delay(100, CancellationToken.None);
        }
    }
}
