using System.Net;
using System.Text;
using UploadProxy.Tests.Support;

namespace UploadProxy.Tests.Notion;

public sealed class NotionLinkingTests(NotionGatewayFixture gateway) : IClassFixture<NotionGatewayFixture>
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(30);

    private UploadProxyClient Client => gateway.Client;

    [Fact]
    public async Task A_stored_document_becomes_one_row_with_its_permanent_url_pages_and_text()
    {
        var id = await Client.CreateIdAsync(new { filename = "invoice-42.pdf", batch_id = "ocr-7", metadata = new Dictionary<string, string> { ["source"] = "scanner-3" } });
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
        Assert.Equal(pdf.Length.ToString(System.Globalization.CultureInfo.InvariantCulture), row.Text("Size"));
        Assert.Equal("1", row.Text("Pages"));
        Assert.Contains("Facture numero 42", row.Text("Text"));
        Assert.Equal(gateway.Notion.DataSourceIdOf(row.ParentDatabaseId), row.ParentDataSourceId);
    }

    [Fact]
    public async Task A_pdf_that_cannot_be_parsed_is_still_linked_without_pages_or_text()
    {
        var id = await Client.CreateIdAsync(new { filename = "broken.pdf" });

        await Client.SendAsync(id, Encoding.ASCII.GetBytes("%PDF-1.4\nthis is not really a pdf\n"));
        var linked = await Client.WaitForStatusAsync(id, s => s is "linked" or "failed", Patience);

        Assert.Equal("linked", linked.GetProperty("status").GetString());
        var row = Assert.Single(gateway.Notion.Pages, p => p.Text("Session ID") == id);
        Assert.Null(row.Text("Pages"));
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
        gateway.Notion.LoseNextCreateResponse();

        await Client.SendAsync(id, SamplePdf.Create(seed: 3));
        var linked = await Client.WaitForStatusAsync(id, s => s is "linked" or "failed", Patience);

        Assert.Equal("linked", linked.GetProperty("status").GetString());
        var row = Assert.Single(gateway.Notion.Pages, p => p.Text("Session ID") == id);
        Assert.Equal(row.Id, linked.GetProperty("notion").GetProperty("page_id").GetString());
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

        // Evenly spaced at 10/s, a one-second window can hold the requests at both of its ends: 11.
        Assert.InRange(gateway.Notion.MaxRequestsInAnySecond, 1, 11);
        Assert.Equal(0, gateway.Notion.RateLimitedResponses);
    }
}
