using System.Net;
using System.Text.Json;
using UploadProxy.Tests.Notion;
using UploadProxy.Tests.Support;

namespace UploadProxy.Tests.Batches;

/// <summary>
/// <c>POST /api/batches/{id}/retry-failed</c> and the pace of a batch: its link queue, the ETA at the configured Notion
/// rate, and its documents stored and linked per minute.
/// </summary>
public sealed class BatchRetryTests(NotionGatewayFixture gateway) : IClassFixture<NotionGatewayFixture>
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(60);

    private UploadProxyClient Client => gateway.Client;

    [Fact]
    public async Task Retry_failed_restarts_every_failed_link_of_the_batch_once_the_database_is_fixed_and_answers_how_many()
    {
        var batch = $"retry-{Guid.NewGuid():N}";
        var other = await Client.CreateIdAsync(new { filename = "other-batch.pdf", batch_id = $"other-{Guid.NewGuid():N}" });
        gateway.Notion.RefusePageCreations("Session ID is not a property that exists.");
        var ids = new List<string>();
        for (var i = 0; i < 3; i++)
        {
            var id = await Client.CreateIdAsync(new { filename = $"refused-{i}.pdf", batch_id = batch });
            await Client.SendAsync(id, SamplePdf.Create(seed: 800 + i));
            ids.Add(id);
        }

        await Client.SendAsync(other, SamplePdf.Create(seed: 810));
        foreach (var id in ids.Append(other))
        {
            await Client.WaitForNotionStatusAsync(id, "failed", Patience);
        }

        var failed = await WaitForBatchAsync(batch, b => b.GetProperty("link_failed").GetInt32() == 3);
        Assert.Equal(0, failed.GetProperty("awaiting_link").GetInt32());
        gateway.Notion.AcceptPageCreations();

        var retry = await Client.Http.PostAsync($"/api/batches/{batch}/retry-failed", content: null);

        Assert.Equal(HttpStatusCode.OK, retry.StatusCode);
        var answer = JsonDocument.Parse(await retry.Content.ReadAsStringAsync()).RootElement;
        Assert.Equal(3, answer.GetProperty("restarted").GetInt32());
        Assert.Equal(0, answer.GetProperty("not_restartable").GetInt32());
        foreach (var id in ids)
        {
            await Client.WaitForStatusAsync(id, s => s == "linked", Patience);
            Assert.Single(gateway.Notion.Pages, p => p.Text("Session ID") == id);
        }

        // The other batch's failure is its own: not restarted by this batch's retry.
        var (_, untouched) = await Client.InfoAsync(other);
        Assert.Equal("failed", untouched.GetProperty("notion").GetProperty("status").GetString());
        var linked = await WaitForBatchAsync(batch, b => b.GetProperty("counts").GetProperty("linked").GetInt32() == 3);
        Assert.Equal(0, linked.GetProperty("link_failed").GetInt32());
        var again = await Client.Http.PostAsync($"/api/batches/{batch}/retry-failed", content: null);
        Assert.Equal(0, JsonDocument.Parse(await again.Content.ReadAsStringAsync()).RootElement.GetProperty("restarted").GetInt32());
    }

    [Fact]
    public async Task Retry_failed_of_an_unknown_batch_is_404()
    {
        var response = await Client.Http.PostAsync("/api/batches/never-created/retry-failed", content: null);

        await Problems.AssertAsync(response, HttpStatusCode.NotFound, "batch_not_found");
    }

    [Fact]
    public async Task A_batch_tells_its_link_queue_the_eta_at_the_notion_rate_and_its_documents_per_minute()
    {
        var batch = $"pace-{Guid.NewGuid():N}";
        var ids = new List<string>();
        for (var i = 0; i < 5; i++)
        {
            ids.Add(await Client.CreateIdAsync(new { filename = $"pace-{i}.pdf", batch_id = batch }));
        }

        // Five rows to write at 2.5 rows/s: two seconds, counted before a single document was sent.
        var queued = await WaitForBatchAsync(batch, b => b.GetProperty("total").GetInt32() == 5);
        Assert.Equal(5, queued.GetProperty("awaiting_link").GetInt32());
        Assert.Equal(NotionGatewayFixture.RequestsPerSecond, queued.GetProperty("linking_rate").GetDouble());
        Assert.Equal(2, queued.GetProperty("eta_seconds").GetInt64());

        foreach (var (id, i) in ids.Select((id, i) => (id, i)))
        {
            await Client.SendAsync(id, SamplePdf.Create(seed: 900 + i));
        }

        var done = await WaitForBatchAsync(batch, b => b.GetProperty("counts").GetProperty("linked").GetInt32() == 5);

        Assert.Equal(0, done.GetProperty("awaiting_link").GetInt32());
        Assert.Equal(0, done.GetProperty("eta_seconds").GetInt64());
        var minutes = done.GetProperty("throughput").EnumerateArray().ToList();
        Assert.Equal(30, minutes.Count);
        var starts = minutes.Select(m => m.GetProperty("minute").GetDateTimeOffset()).ToList();
        Assert.All(starts.Zip(starts.Skip(1)), pair => Assert.Equal(TimeSpan.FromMinutes(1), pair.Second - pair.First));
        Assert.InRange(DateTimeOffset.UtcNow - starts[^1], TimeSpan.Zero, TimeSpan.FromMinutes(2));
        Assert.Equal(5, minutes.Sum(m => m.GetProperty("stored").GetInt32()));
        Assert.Equal(5, minutes.Sum(m => m.GetProperty("linked").GetInt32()));
    }

    private Task<JsonElement> WaitForBatchAsync(string batch, Func<JsonElement, bool> done) =>
        Eventually.UntilAsync(
            $"batch {batch} to reach the awaited state",
            async () =>
            {
                var response = await Client.Http.GetAsync($"/api/batches/{batch}?limit=1");
                return response.IsSuccessStatusCode ? JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement.Clone() : default;
            },
            b => b.ValueKind == JsonValueKind.Object && done(b),
            Patience,
            b => b.ToString());
}
