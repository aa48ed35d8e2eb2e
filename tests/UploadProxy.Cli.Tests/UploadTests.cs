using System.Diagnostics;
using UploadProxy.Cli.Tests.Support;

namespace UploadProxy.Cli.Tests;

public sealed class UploadTests : IAsyncLifetime, IDisposable
{
    private readonly Documents _documents = new();
    private FakeGateway _gateway = null!;

    public async Task InitializeAsync() => _gateway = await FakeGateway.StartAsync();

    public async Task DisposeAsync() => await _gateway.DisposeAsync();

    public void Dispose() => _documents.Dispose();

    private string[] Upload(string batch, params string[] extra) =>
        ["upload", _documents.Root, "--gateway", _gateway.Address.ToString(), "--batch", batch, .. extra];

    [Fact]
    public async Task Upload_sends_every_pdf_under_the_folder_once_and_writes_the_manifest_and_csv()
    {
        var pdfs = _documents.AddPdfs(5).Append(_documents.AddPdf("upper/CASE.PDF", seed: 99)).ToList();
        _documents.Add("notes.txt", "not a document"u8.ToArray());
        _documents.Add("box-1/scan.pdf.bak", "%PDF-1.7 backup"u8.ToArray());

        var run = await CliRunner.RunAsync(Upload("ocr-2026-11-26", "--concurrency", "3"));

        Assert.Equal(0, run.ExitCode);
        Assert.Equal(pdfs.Select(Documents.Sha256).Order(), _gateway.SendsBySha256.Keys.Order());
        Assert.All(_gateway.SendsBySha256.Values, sends => Assert.Equal(1, sends));
        Assert.All(_gateway.Sessions, session => Assert.Equal("ocr-2026-11-26", session.BatchId));

        var manifest = _documents.ReadManifest();
        Assert.Equal(pdfs.Order(), manifest.Keys.Order());
        foreach (var pdf in pdfs)
        {
            var entry = manifest[pdf];
            Assert.Equal(Documents.Sha256(pdf), entry.Text("sha256"));
            Assert.Equal("uploaded", entry.Text("status"));
            Assert.StartsWith("https://", entry.Text("url"));
            Assert.Contains(_gateway.Sessions, session => session.Id == entry.Text("session_id") && session.Filename == Path.GetFileName(pdf));
        }

        Assert.Equal(pdfs.Count, manifest.Values.Select(entry => entry.Text("url")).Distinct().Count());

        var csv = File.ReadAllLines(_documents.CsvPath);
        Assert.Equal("file,sha256,session_id,status,url,notion_page_url,error", csv[0]);
        Assert.Equal(pdfs.Count, csv.Length - 1);
        Assert.All(pdfs, pdf => Assert.Contains(csv, line => line.StartsWith(pdf + "," + Documents.Sha256(pdf) + ",", StringComparison.Ordinal)));
        Assert.Contains("6/6 files stored", run.Output);
    }

    [Fact]
    public async Task Rerun_of_a_finished_upload_sends_nothing()
    {
        _documents.AddPdfs(4);
        Assert.Equal(0, (await CliRunner.RunAsync(Upload("b1"))).ExitCode);
        var creates = _gateway.Creates;
        var manifestBefore = _documents.ReadManifest();

        var rerun = await CliRunner.RunAsync(Upload("b1"));

        Assert.Equal(0, rerun.ExitCode);
        Assert.Equal(creates, _gateway.Creates);
        Assert.All(_gateway.SendsBySha256.Values, sends => Assert.Equal(1, sends));
        Assert.Equal(
            manifestBefore.ToDictionary(pair => pair.Key, pair => pair.Value.Text("url")),
            _documents.ReadManifest().ToDictionary(pair => pair.Key, pair => pair.Value.Text("url")));
    }

    [Fact]
    public async Task A_refused_file_is_reported_and_the_others_are_still_stored()
    {
        var pdfs = _documents.AddPdfs(4);
        var impostor = _documents.Add("box-0/impostor.pdf", "This is a text file with a .pdf name."u8.ToArray());

        var run = await CliRunner.RunAsync(Upload("b1", "--concurrency", "2"));

        Assert.Equal(1, run.ExitCode);
        var manifest = _documents.ReadManifest();
        Assert.All(pdfs, pdf => Assert.Equal("uploaded", manifest[pdf].Text("status")));
        var refused = manifest[impostor];
        Assert.Equal("failed", refused.Text("status"));
        Assert.Equal("unsupported_document", refused.GetProperty("error").Text("code"));
        Assert.Contains("impostor.pdf", run.Output);
        Assert.Contains("unsupported_document", run.Output);
        Assert.Contains("4/5 files stored", run.Output);
        Assert.All(_gateway.SendsBySha256.Values, sends => Assert.Equal(1, sends));
        Assert.Contains(File.ReadAllLines(_documents.CsvPath), line => line.StartsWith(impostor, StringComparison.Ordinal) && line.Contains("unsupported_document", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Identical_files_are_sent_once_and_both_are_listed_with_the_same_session()
    {
        var original = _documents.AddPdf("a/scan.pdf", seed: 7);
        var copy = _documents.AddPdf("b/scan-copy.pdf", seed: 7);

        var run = await CliRunner.RunAsync(Upload("b1"));

        Assert.Equal(0, run.ExitCode);
        Assert.Equal(1, _gateway.Creates);
        Assert.Equal(1, Assert.Single(_gateway.SendsBySha256).Value);
        var manifest = _documents.ReadManifest();
        Assert.Equal(manifest[original].Text("session_id"), manifest[copy].Text("session_id"));
        Assert.Equal(manifest[original].Text("url"), manifest[copy].Text("url"));
    }

    [Fact]
    public async Task Rate_limited_and_unavailable_answers_are_retried_honouring_retry_after()
    {
        _documents.AddPdfs(2);
        _gateway.RateLimitCreates = 1;
        _gateway.RetryAfterSeconds = 1;
        _gateway.UnavailableSends = 2;
        var clock = Stopwatch.StartNew();

        var run = await CliRunner.RunAsync(Upload("b1", "--concurrency", "1"));

        Assert.Equal(0, run.ExitCode);
        Assert.True(clock.Elapsed >= TimeSpan.FromSeconds(1), $"Retry-After was not honoured: {clock.Elapsed}");
        Assert.Equal(2, _gateway.Creates);
        Assert.Equal(2, _gateway.SendsBySha256.Count);
        Assert.All(_gateway.SendsBySha256.Values, sends => Assert.Equal(1, sends));
    }

    [Fact]
    public async Task Upload_polls_a_session_until_its_notion_row_is_linked()
    {
        var pdfs = _documents.AddPdfs(3);
        _gateway.NotionEnabled = true;
        _gateway.InfoCallsUntilUploaded = 2;

        var run = await CliRunner.RunAsync(Upload("b1"));

        Assert.Equal(0, run.ExitCode);
        var manifest = _documents.ReadManifest();
        Assert.All(pdfs, pdf =>
        {
            Assert.Equal("linked", manifest[pdf].Text("status"));
            Assert.StartsWith("https://www.notion.so/", manifest[pdf].Text("notion_page_url"));
        });
        Assert.All(File.ReadAllLines(_documents.CsvPath).Skip(1), line => Assert.Contains("https://www.notion.so/", line));
    }

    [Fact]
    public async Task Api_key_is_sent_as_a_bearer_token_on_every_request()
    {
        _documents.AddPdfs(2);

        var run = await CliRunner.RunAsync(Upload("b1", "--api-key", "s3cret"));

        Assert.Equal(0, run.ExitCode);
        Assert.NotEmpty(_gateway.Authorizations);
        Assert.All(_gateway.Authorizations, header => Assert.Equal("Bearer s3cret", header));
    }

    [Fact]
    public async Task Manifest_goes_where_manifest_option_says()
    {
        _documents.AddPdfs(2);
        var elsewhere = Path.Combine(_documents.Root, "state", "run.json");
        Directory.CreateDirectory(Path.GetDirectoryName(elsewhere)!);

        var run = await CliRunner.RunAsync(Upload("b1", "--manifest", elsewhere));

        Assert.Equal(0, run.ExitCode);
        Assert.True(File.Exists(elsewhere));
        Assert.True(File.Exists(Path.ChangeExtension(elsewhere, ".csv")));
        Assert.False(File.Exists(_documents.ManifestPath));
    }
}
