using System.Text.RegularExpressions;
using UploadProxy.Cli.Tests.Support;

namespace UploadProxy.Cli.Tests;

public sealed class StatusTests : IAsyncLifetime, IDisposable
{
    private readonly Documents _documents = new();
    private FakeGateway _gateway = null!;

    public async Task InitializeAsync() => _gateway = await FakeGateway.StartAsync();

    public async Task DisposeAsync() => await _gateway.DisposeAsync();

    public void Dispose() => _documents.Dispose();

    [Fact]
    public async Task Status_renders_the_counts_and_sessions_of_a_batch()
    {
        _documents.AddPdfs(3);
        _documents.Add("impostor.pdf", "plain text"u8.ToArray());
        await CliRunner.RunAsync(["upload", _documents.Root, "--gateway", _gateway.Address.ToString(), "--batch", "night-run"]);

        var run = await CliRunner.RunAsync(["status", "night-run", "--gateway", _gateway.Address.ToString()]);

        Assert.Equal(0, run.ExitCode);
        Assert.Contains("night-run", run.Output);
        Assert.Contains("4 sessions", run.Output);
        Assert.Matches(new Regex(@"uploaded\W+3\W", RegexOptions.Multiline), run.Output);
        Assert.Matches(new Regex(@"pending\W+1\W", RegexOptions.Multiline), run.Output);
        Assert.Contains("scan-0001.pdf", run.Output);
        Assert.Contains("impostor.pdf", run.Output);
        Assert.Contains("https://res.example.test/", run.Output);
    }

    [Fact]
    public async Task Status_reads_every_page_of_a_batch_larger_than_a_page()
    {
        var pdfs = _documents.AddPdfs(5);
        await CliRunner.RunAsync(["upload", _documents.Root, "--gateway", _gateway.Address.ToString(), "--batch", "paged-run"]);
        _gateway.BatchPageSize = 2;

        var run = await CliRunner.RunAsync(["status", "paged-run", "--gateway", _gateway.Address.ToString()]);

        Assert.Equal(0, run.ExitCode);
        Assert.Contains("5 sessions", run.Output);
        Assert.All(pdfs, pdf => Assert.Contains(Path.GetFileName(pdf), run.Output));
    }

    [Fact]
    public async Task Status_of_an_unknown_batch_says_so_and_exits_1()
    {
        var run = await CliRunner.RunAsync(["status", "never-uploaded", "--gateway", _gateway.Address.ToString()]);

        Assert.Equal(1, run.ExitCode);
        Assert.Contains("No batch", run.Output);
    }
}
