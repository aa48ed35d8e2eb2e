using UploadProxy.Cli.Tests.Support;

namespace UploadProxy.Cli.Tests;

public sealed class UsageTests : IDisposable
{
    private readonly Documents _documents = new();

    public void Dispose() => _documents.Dispose();

    public static TheoryData<string[]> BadCommandLines => new()
    {
        { ["upload", "{root}", "--batch", "b1"] },
        { ["upload", "{root}", "--gateway", "http://127.0.0.1:9", "--batch", "no spaces"] },
        { ["upload", "{root}", "--gateway", "ftp://127.0.0.1:9", "--batch", "b1"] },
        { ["upload", "{root}", "--gateway", "http://127.0.0.1:9", "--batch", "b1", "--concurrency", "0"] },
        { ["upload", "{root}/missing", "--gateway", "http://127.0.0.1:9", "--batch", "b1"] },
        { ["upload", "{root}", "--gateway", "http://127.0.0.1:9", "--batch", "b1", "--resumable", "--chunk-size", "0"] },
        { ["upload", "{root}", "--gateway", "http://127.0.0.1:9", "--batch", "b1", "--unknown"] },
        { ["status", "--gateway", "http://127.0.0.1:9"] },
        { ["frobnicate"] },
    };

    [Theory]
    [MemberData(nameof(BadCommandLines))]
    public async Task Usage_errors_exit_with_2_before_any_request(string[] args)
    {
        _documents.AddPdfs(1);

        var run = await CliRunner.RunAsync(args.Select(arg => arg.Replace("{root}", _documents.Root, StringComparison.Ordinal)));

        Assert.Equal(2, run.ExitCode);
        Assert.Contains("Error", run.Output);
    }

    [Fact]
    public async Task A_folder_without_pdfs_is_a_usage_error()
    {
        _documents.Add("notes.txt", "no documents here"u8.ToArray());

        var run = await CliRunner.RunAsync(["upload", _documents.Root, "--gateway", "http://127.0.0.1:9", "--batch", "b1"]);

        Assert.Equal(2, run.ExitCode);
        Assert.Contains("No PDF found", run.Output);
    }
}
