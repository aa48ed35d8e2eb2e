using System.Net.Http.Json;
using System.Text.Json;
using UploadProxy.Fakes;
using UploadProxy.Tests.Support;

namespace UploadProxy.Tests.Operations;

public sealed class ObservabilityTests
{
    private const string ApiKey = "observability-api-key-7Qx";

    [Fact]
    public async Task A_full_run_logs_no_secret_token_or_key_and_exposes_metrics_and_the_openapi_document()
    {
        await using var cloudinary = await FakeCloudinaryServer.StartAsync(new FakeCloudinaryOptions { ApiSecret = "cloudinary-secret-for-log-check" });
        await using var notion = await FakeNotionServer.StartAsync(new FakeNotionOptions { Token = "secret_notion_token_for_log_check", RequestsPerSecond = 20 });
        var database = notion.AddDatabase("DB-DOCUMENTS", NotionDatabases.Documents);
        var settings = TestSettings.Standalone(TestSettings.NewDataDirectory())
            .WithCloudinary(cloudinary)
            .WithNotion(notion, database, "2025-09-03", requestsPerSecond: 20);
        settings["Gateway:ApiKeys:0"] = ApiKey;
        var logs = new CapturedLogs();
        await using var gateway = new GatewayFactory(settings, logs);
        using var http = gateway.CreateClient();
        http.DefaultRequestHeaders.Authorization = new("Bearer", ApiKey);
        var client = new UploadProxyClient(http);

        var id = await client.CreateIdAsync(new { filename = "observed.pdf", batch_id = "observed" });
        await client.SendAsync(id, SamplePdf.Create(seed: 700));
        var linked = await client.WaitForStatusAsync(id, s => s is "linked" or "failed", TimeSpan.FromSeconds(30));
        var metrics = await http.GetStringAsync("/metrics");
        var openApi = await http.GetFromJsonAsync<JsonElement>("/openapi/v1.json");

        Assert.Equal("linked", linked.GetProperty("status").GetString());
        // The scan covers every category at its most verbose, the libraries' own included: ASP.NET Core's, Orleans',
        // and HttpClient's, which logs the headers of the requests to Cloudinary and Notion.
        foreach (var library in (string[])["Microsoft.AspNetCore.", "Orleans.", "System.Net.Http.HttpClient."])
        {
            Assert.Contains(logs.Lines, line => line.StartsWith($"Trace {library}", StringComparison.Ordinal) || line.StartsWith($"Debug {library}", StringComparison.Ordinal));
        }

        foreach (var secret in (string[])[cloudinary.ApiSecret, notion.Token, ApiKey])
        {
            Assert.DoesNotContain(logs.Lines, line => line.Contains(secret, StringComparison.Ordinal));
        }

        Assert.Contains("uploadproxy_sessions_transitions", metrics);
        Assert.Contains("uploadproxy_upload_bytes", metrics);
        Assert.Contains("uploadproxy_notion_requests", metrics);
        var paths = openApi.GetProperty("paths").EnumerateObject().Select(p => p.Name).ToList();
        Assert.Contains("/api/notion/upload-proxy/create", paths);
        Assert.Contains("/api/notion/upload-proxy/send/{id}", paths);
        Assert.Contains("/api/notion/upload-proxy/info/{id}", paths);
        Assert.Contains("/api/notion/upload-proxy/retry/{id}", paths);
        Assert.Contains("/api/batches/{id}", paths);
        Assert.Contains("/api/batches/{id}/events", paths);
    }
}
