using System.Net;
using System.Text;
using Microsoft.Extensions.DependencyInjection;
using UploadProxy.Integrations.Notion;
using UploadProxy.Tests.Support;

namespace UploadProxy.Tests.Notion;

public sealed class NotionLinkingTests(NotionGatewayFixture gateway) : IClassFixture<NotionGatewayFixture>
{
    // An upper bound only: every wait ends as soon as its condition holds.
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(60);

    private UploadProxyClient Client => gateway.Client;

    [Fact]
    public async Task A_stored_document_becomes_one_row_with_its_permanent_url_pages_and_text()
    {
        var id = await Client.CreateIdAsync(new { filename = "invoice-42.pdf", batch_id = "ocr-7", metadata = new Dictionary<string, string> { ["source"] = "scanner-3", ["amount"] = "42.5", ["due"] = "2026-11-24" } });
        var pdf = SamplePdf.Create(text: "Facture numero 42", seed: 1);

        var (sent, stored) = await Client.SendAsync(id, pdf);
        var linked = await Client.WaitForStatusAsync(id, s => s is "linked" or "failed", Patience);

        Assert.Equal(HttpStatusCode.OK, sent.StatusCode);
        Assert.Equal("pending", stored.GetProperty("notion").GetProperty("status").GetString());
        Assert.Equal("linked", linked.GetProperty("status").GetString());
        var row = Assert.Single(gateway.Notion.Pages, p => p.Text("Session ID") == id);
        Assert.Equal(row.Id, linked.GetProperty("notion").GetProperty("page_id").GetString());
        Assert.Equal(row.Url, linked.GetProperty("notion").GetProperty("page_url").GetString());
        Assert.Equal(linked.GetProperty("url").GetString(), row.Text("URL"));
        Assert.Equal("invoice-42.pdf", row.Text("Name"));
        Assert.Equal("ocr-7", row.Text("Batch"));
        Assert.Equal("scanner-3", row.Text("source"));
        Assert.Equal("42.5", row.Text("amount"));
        Assert.Equal("2026-11-24", row.Text("due"));
        Assert.Equal(pdf.Length.ToString(System.Globalization.CultureInfo.InvariantCulture), row.Text("Size"));
        Assert.Equal("1", row.Text("Pages"));
        Assert.Contains("Facture numero 42", row.Text("Text"));
        Assert.Equal(gateway.Notion.DataSourceIdOf(row.ParentDatabaseId), row.ParentDataSourceId);
    }

    [Fact]
    public async Task A_pdf_that_cannot_be_parsed_is_still_linked_without_pages_or_text()
    {
        // Caller metadata never fills the product's own properties, not even those the product leaves empty.
        var id = await Client.CreateIdAsync(new { filename = "broken.pdf", metadata = new Dictionary<string, string> { ["Pages"] = "999", ["Text"] = "not from the pdf" } });

        await Client.SendAsync(id, Encoding.ASCII.GetBytes("%PDF-1.4\nthis is not really a pdf\n"));
        var linked = await Client.WaitForStatusAsync(id, s => s is "linked" or "failed", Patience);

        Assert.Equal("linked", linked.GetProperty("status").GetString());
        var row = Assert.Single(gateway.Notion.Pages, p => p.Text("Session ID") == id);
        Assert.Null(row.Text("Pages"));
        Assert.Equal("", row.Text("Text"));
    }

    [Fact]
    public async Task A_validation_error_ends_linking_failed_keeps_the_document_and_the_retry_route_links_it()
    {
        var id = await Client.CreateIdAsync(new { filename = "refused.pdf" });
        gateway.Notion.FailNext(1, 400, "validation_error", "Name is not a property that exists.");

        await Client.SendAsync(id, SamplePdf.Create(seed: 2));
        var failed = await Client.WaitForNotionStatusAsync(id, "failed", Patience);

        Assert.Equal("uploaded", failed.GetProperty("status").GetString());
        Assert.Contains("Name is not a property that exists.", failed.GetProperty("error").GetProperty("message").GetString());
        using var browser = new HttpClient();
        var document = await browser.GetAsync(failed.GetProperty("url").GetString());
        Assert.Equal(HttpStatusCode.OK, document.StatusCode);

        var retry = await Client.Http.PostAsync($"{UploadProxyClient.BasePath}/retry/{id}", content: null);
        var linked = await Client.WaitForStatusAsync(id, s => s == "linked", Patience);

        Assert.Equal(HttpStatusCode.Accepted, retry.StatusCode);
        Assert.Equal("linked", linked.GetProperty("status").GetString());
        Assert.Single(gateway.Notion.Pages, p => p.Text("Session ID") == id);
    }

    [Fact]
    public async Task A_create_whose_answer_was_lost_is_found_and_adopted_instead_of_created_twice()
    {
        var id = await Client.CreateIdAsync(new { filename = "lost-answer.pdf" });
        var before = gateway.Notion.Requests.Count;
        gateway.Notion.LoseNextCreateResponse();

        await Client.SendAsync(id, SamplePdf.Create(seed: 3));
        var linked = await Client.WaitForStatusAsync(id, s => s is "linked" or "failed", Patience);

        Assert.Equal("linked", linked.GetProperty("status").GetString());
        var row = Assert.Single(gateway.Notion.Pages, p => p.Text("Session ID") == id);
        Assert.Equal(row.Id, linked.GetProperty("notion").GetProperty("page_id").GetString());
        // The fake's index lag is longer than the session's first backoff: its first lookup found nothing, and it
        // looked again once the lag it assumes had passed, rather than create a second row.
        var requests = gateway.Notion.Requests.Skip(before).ToList();
        Assert.Equal(1, requests.Count(r => r.Method == "POST" && r.Path == "/v1/pages"));
        Assert.True(requests.Count(r => r.Path.EndsWith("/query", StringComparison.Ordinal)) >= 2, string.Join("\n", requests));
    }

    [Fact]
    public async Task A_conflict_on_create_is_never_sent_again_blindly_the_row_is_looked_up_first()
    {
        var id = await Client.CreateIdAsync(new { filename = "conflict.pdf" });
        // With the schema known, the next request to Notion is this session's create.
        await gateway.Factory.Services.GetRequiredService<NotionClient>().GetDatabaseAsync(CancellationToken.None);
        var before = gateway.Notion.Requests.Count;
        gateway.Notion.FailNext(1, 409, "conflict_error", "Conflict occurred while saving. Please try again.");

        await Client.SendAsync(id, SamplePdf.Create(seed: 4));
        var linked = await Client.WaitForStatusAsync(id, s => s is "linked" or "failed", Patience);

        Assert.Equal("linked", linked.GetProperty("status").GetString());
        Assert.Single(gateway.Notion.Pages, p => p.Text("Session ID") == id);
        var requests = gateway.Notion.Requests.Skip(before).ToList();
        var creates = requests.Select((r, i) => (Request: r, Index: i)).Where(c => c.Request.Method == "POST" && c.Request.Path == "/v1/pages").ToList();
        Assert.Equal([409, 200], creates.Select(c => c.Request.Status));
        // A 409 may have collided with its own write: the session looked before it created again.
        Assert.Contains(requests.Take(creates[1].Index).Skip(creates[0].Index), r => r.Path.EndsWith("/query", StringComparison.Ordinal));
    }

    [Fact]
    public async Task A_service_overload_on_create_is_retried_after_its_retry_after_without_a_lookup()
    {
        var id = await Client.CreateIdAsync(new { filename = "overload.pdf" });
        await gateway.Factory.Services.GetRequiredService<NotionClient>().GetDatabaseAsync(CancellationToken.None);
        var before = gateway.Notion.Requests.Count;
        var retryAfter = TimeSpan.FromSeconds(2);
        gateway.Notion.FailNext(1, 529, "service_overload", "Notion is overloaded.", retryAfter);

        await Client.SendAsync(id, SamplePdf.Create(seed: 5));
        var linked = await Client.WaitForStatusAsync(id, s => s is "linked" or "failed", Patience);

        Assert.Equal("linked", linked.GetProperty("status").GetString());
        Assert.Single(gateway.Notion.Pages, p => p.Text("Session ID") == id);
        var requests = gateway.Notion.Requests.Skip(before).ToList();
        // Notion did nothing on a 529: the create is sent again as it is, once the hold has passed.
        Assert.Equal([(529, "/v1/pages"), (200, "/v1/pages")], requests.Select(r => (r.Status, r.Path)));
        Assert.True(requests[1].Time - requests[0].Time >= retryAfter, $"{(requests[1].Time - requests[0].Time).TotalSeconds:F2} s");
    }

    [Theory]
    [InlineData("amount", "NaN")]
    [InlineData("amount", "Infinity")]
    [InlineData("amount", "12,5")]
    [InlineData("due", "next tuesday")]
    [InlineData("due", "24/11/2026")]
    [InlineData("source", "a, b")]
    public async Task Metadata_that_cannot_fit_its_property_is_refused_at_create_naming_the_key(string key, string value)
    {
        // The gateway checks against the schema once read (at start, by the silo beside it); this waits for that read.
        await gateway.Factory.Services.GetRequiredService<NotionClient>().GetDatabaseAsync(CancellationToken.None);

        var (response, _) = await Client.CreateAsync(new { filename = "unfit.pdf", metadata = new Dictionary<string, string> { [key] = value } });

        var problem = await Problems.AssertAsync(response, HttpStatusCode.BadRequest, "invalid_request");
        Assert.Contains($"'{key}'", problem.GetProperty("detail").GetString());
    }

    [Fact]
    public async Task Metadata_text_over_notions_limit_is_refused_at_create_naming_the_key()
    {
        var (response, _) = await Client.CreateAsync(new { metadata = new Dictionary<string, string> { ["note"] = new string('x', 2001) } });

        var problem = await Problems.AssertAsync(response, HttpStatusCode.BadRequest, "invalid_request");
        Assert.Contains("'note'", problem.GetProperty("detail").GetString());
    }

    [Fact]
    public async Task Retrying_a_session_whose_linking_did_not_fail_is_a_conflict()
    {
        var id = await Client.CreateIdAsync();

        var response = await Client.Http.PostAsync($"{UploadProxyClient.BasePath}/retry/{id}", content: null);

        await Problems.AssertAsync(response, HttpStatusCode.Conflict, "session_conflict");
    }

    [Fact]
    public async Task Requests_to_notion_stay_within_the_configured_rate()
    {
        var before = gateway.Notion.Requests.Count;
        var ids = new List<string>();
        for (var i = 0; i < 20; i++)
        {
            var id = await Client.CreateIdAsync(new { filename = $"rate-{i}.pdf" });
            await Client.SendAsync(id, SamplePdf.Create(seed: 100 + i), respondAsync: true);
            ids.Add(id);
        }

        foreach (var id in ids)
        {
            Assert.Equal("linked", (await Client.WaitForStatusAsync(id, s => s is "linked" or "failed", Patience)).GetProperty("status").GetString());
        }

        // The fake refuses past Notion's own limit (3/s, burst 3), so no 429 is the proof. A request can leave late
        // on a busy machine, never early: over the run, the pace stays within Notion's average of 3/s.
        var requests = gateway.Notion.Requests.Skip(before).ToList();
        Assert.Equal(0, gateway.Notion.RateLimitedResponses);
        Assert.InRange(RequestPace.MaxInAnySecond(requests), 1, (int)NotionGatewayFixture.NotionRequestsPerSecond + 3);
        Assert.True(RequestPace.Average(requests) <= NotionGatewayFixture.NotionRequestsPerSecond, $"{RequestPace.Average(requests):F2} requests per second");
    }
}
