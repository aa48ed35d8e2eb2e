using System.Net;
using UploadProxy.Tests.Support;

namespace UploadProxy.Tests.Batches;

/// <summary><c>GET /api/batches/{id}.csv</c>: one row per session, escaped for spreadsheets, streamed page by page.</summary>
public sealed class BatchExportTests(BatchExportGatewayFixture gateway) : IClassFixture<BatchExportGatewayFixture>
{
    private static readonly string[] Columns = ["id", "file", "status", "url", "notion_page", "error"];

    private UploadProxyClient Client => gateway.Client;

    [Fact]
    public async Task The_csv_lists_every_session_once_across_pages_with_its_columns_as_an_attachment()
    {
        // Dots in the id: the ".csv" suffix is the route's, the rest is the batch's.
        var batch = $"export.v1.{Guid.NewGuid():N}";
        var ids = new List<string>();
        for (var i = 0; i < (2 * BatchExportGatewayFixture.ExportPageSize) + 1; i++)
        {
            ids.Add(await Client.CreateIdAsync(new { filename = $"scan-{i}.pdf", batch_id = batch }));
        }

        var (sent, stored) = await Client.SendAsync(ids[1], SamplePdf.Create(seed: 700));
        Assert.Equal(HttpStatusCode.OK, sent.StatusCode);
        await Eventually.UntilAsync(
            "the batch to see the stored session", async () => await Client.Http.GetStringAsync($"/api/batches/{batch}"), b => b.Contains("\"uploaded\":1", StringComparison.Ordinal),
            TimeSpan.FromSeconds(30));

        var response = await Client.Http.GetAsync($"/api/batches/{batch}.csv");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("text/csv", response.Content.Headers.ContentType?.MediaType);
        Assert.Equal("utf-8", response.Content.Headers.ContentType?.CharSet);
        Assert.Equal("attachment", response.Content.Headers.ContentDisposition?.DispositionType);
        Assert.Equal($"batch-{batch}.csv", response.Content.Headers.ContentDisposition?.FileNameStar ?? response.Content.Headers.ContentDisposition?.FileName?.Trim('"'));
        var text = await response.Content.ReadAsStringAsync();
        Assert.EndsWith("\r\n", text, StringComparison.Ordinal);
        var rows = Csv.Read(text);
        Assert.Equal(Columns, rows[0]);
        Assert.All(rows, row => Assert.Equal(Columns.Length, row.Length));
        Assert.Equal(ids, rows.Skip(1).Select(r => r[0]));
        Assert.Equal(ids.Select((_, i) => $"scan-{i}.pdf"), rows.Skip(1).Select(r => r[1]));
        var storedRow = rows[2];
        Assert.Equal("uploaded", storedRow[2]);
        Assert.Equal(stored.GetProperty("url").GetString(), storedRow[3]);
        Assert.All(rows.Skip(1).Where(r => r[0] != ids[1]), row => Assert.Equal(["pending", "", "", ""], row[2..]));
    }

    [Fact]
    public async Task Cells_a_spreadsheet_would_run_as_formulas_get_a_leading_quote_and_commas_and_quotes_are_escaped()
    {
        var batch = $"export-escape-{Guid.NewGuid():N}";
        string[] names = ["=HYPERLINK(\"evil.example\",\"x\").pdf", "+1+2.pdf", "-2+3.pdf", "@SUM(A1).pdf", "a,b \"c\".pdf", "plain.pdf"];
        foreach (var name in names)
        {
            await Client.CreateIdAsync(new { filename = name, batch_id = batch });
        }

        var text = await Client.Http.GetStringAsync($"/api/batches/{batch}.csv");

        var files = Csv.Read(text).Skip(1).Select(r => r[1]).ToList();
        Assert.Equal(["'=HYPERLINK(\"evil.example\",\"x\").pdf", "'+1+2.pdf", "'-2+3.pdf", "'@SUM(A1).pdf", "a,b \"c\".pdf", "plain.pdf"], files);
        // As written: a neutralised cell is quoted with its leading quote inside, a quote inside a cell is doubled.
        Assert.Contains(",\"'=HYPERLINK(\"\"evil.example\"\",\"\"x\"\").pdf\",", text, StringComparison.Ordinal);
        Assert.Contains(",\"a,b \"\"c\"\".pdf\",", text, StringComparison.Ordinal);
        Assert.Contains(",plain.pdf,", text, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_batch_whose_id_ends_in_csv_is_exported_at_its_export_csv_route()
    {
        var batch = $"{Guid.NewGuid():N}.csv";
        var id = await Client.CreateIdAsync(new { filename = "report.pdf", batch_id = batch });

        var response = await Client.Http.GetAsync($"/api/batches/{batch}/export.csv");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var rows = Csv.Read(await response.Content.ReadAsStringAsync());
        Assert.Equal([id], rows.Skip(1).Select(r => r[0]));
    }

    [Theory]
    [InlineData("/api/batches/never-created.csv")]
    [InlineData("/api/batches/never-created/export.csv")]
    public async Task An_unknown_batch_has_no_csv(string path)
    {
        var response = await Client.Http.GetAsync(path);

        await Problems.AssertAsync(response, HttpStatusCode.NotFound, "batch_not_found");
    }
}
