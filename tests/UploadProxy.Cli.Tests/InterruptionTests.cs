using System.Diagnostics;
using System.Text.Json;
using UploadProxy.Cli.Tests.Support;

namespace UploadProxy.Cli.Tests;

public sealed class InterruptionTests : IAsyncLifetime, IDisposable
{
    private readonly Documents _documents = new();
    private FakeGateway _gateway = null!;

    public async Task InitializeAsync() => _gateway = await FakeGateway.StartAsync();

    public async Task DisposeAsync() => await _gateway.DisposeAsync();

    public void Dispose() => _documents.Dispose();

    private string[] Upload() =>
        ["upload", _documents.Root, "--gateway", _gateway.Address.ToString(), "--batch", "b1", "--concurrency", "3"];

    [Fact]
    public async Task Rerun_after_interruption_sends_no_file_twice()
    {
        var pdfs = _documents.AddPdfs(12, size: 256 * 1024);
        _gateway.InfoCallsUntilUploaded = 3;
        using var interruption = new CancellationTokenSource();
        _gateway.OnSendAccepted = accepted =>
        {
            if (accepted == 5)
            {
                interruption.Cancel();
            }
        };

        var first = await CliRunner.RunAsync(Upload(), interruption.Token);

        Assert.Equal(130, first.ExitCode);
        Assert.Contains("Interrupted", first.Output);
        var saved = _documents.ReadManifest();
        Assert.InRange(saved.Values.Count(entry => entry.Text("session_id") is not null), 5, 11);
        Assert.True(File.Exists(_documents.CsvPath));

        _gateway.OnSendAccepted = null;
        var second = await CliRunner.RunAsync(Upload());

        Assert.Equal(0, second.ExitCode);
        Assert.Equal(pdfs.Select(Documents.Sha256).Order(), _gateway.SendsBySha256.Keys.Order());
        Assert.All(_gateway.SendsBySha256, pair => Assert.True(pair.Value == 1, $"{pair.Key} was sent {pair.Value} times"));
        var manifest = _documents.ReadManifest();
        Assert.Equal(pdfs.Order(), manifest.Keys.Order());
        Assert.All(manifest.Values, entry => Assert.Equal("uploaded", entry.Text("status")));
        Assert.Equal(pdfs.Count, manifest.Values.Select(entry => entry.Text("url")).Distinct().Count());
    }

    [Fact]
    public async Task Ctrl_c_stops_the_tool_with_the_manifest_saved_and_a_rerun_finishes_the_batch()
    {
        var pdfs = _documents.AddPdfs(4);
        _gateway.InfoCallsUntilUploaded = int.MaxValue;
        var cli = Path.Combine(AppContext.BaseDirectory, "UploadProxy.Cli.dll");
        // Started as a terminal starts it, with Ctrl+C's signal at its default: a runner started in the background
        // (nohup, a CI agent) passes SIGINT on ignored, and the tool would rightly never hear it. env execs the tool,
        // so the signal below reaches it under the same process id.
        var start = new ProcessStartInfo("env")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var arg in (string[])["--default-signal=INT", Environment.ProcessPath ?? "dotnet", cli, .. Upload()])
        {
            start.ArgumentList.Add(arg);
        }

        using var process = Process.Start(start)!;
        var output = process.StandardOutput.ReadToEndAsync();
        var errors = process.StandardError.ReadToEndAsync();
        try
        {
            // Every file sent and its session still uploading: the tool is polling when Ctrl+C comes.
            await WaitUntilAsync(() => UploadingInManifest() == pdfs.Count, TimeSpan.FromSeconds(60));
            using (var kill = Process.Start("kill", ["-INT", process.Id.ToString(System.Globalization.CultureInfo.InvariantCulture)]))
            {
                await kill.WaitForExitAsync();
            }

            using var exited = new CancellationTokenSource(TimeSpan.FromSeconds(30));
            await process.WaitForExitAsync(exited.Token);
        }
        finally
        {
            if (!process.HasExited)
            {
                process.Kill(entireProcessTree: true);
            }
        }

        Assert.True(process.ExitCode == 130, $"exit {process.ExitCode}\n{await output}\n{await errors}");
        Assert.Contains("Interrupted", await output);

        _gateway.InfoCallsUntilUploaded = 1;
        var rerun = await CliRunner.RunAsync(Upload());

        Assert.True(rerun.ExitCode == 0, rerun.Output);
        Assert.Equal(pdfs.Count, _gateway.Creates);
        Assert.All(_gateway.SendsBySha256.Values, sends => Assert.Equal(1, sends));
        Assert.All(_documents.ReadManifest().Values, entry => Assert.Equal("uploaded", entry.Text("status")));
    }

    [Fact]
    public async Task Resumable_rerun_after_interruption_sends_only_the_bytes_the_gateway_lacks()
    {
        const int chunk = 128 * 1024;
        var pdf = _documents.AddPdf("scan.pdf", seed: 7, size: 8 * chunk);
        string[] resumable = [.. Upload(), "--resumable", "--chunk-size", chunk.ToString(System.Globalization.CultureInfo.InvariantCulture)];
        using var interruption = new CancellationTokenSource();
        _gateway.OnPatchAccepted = accepted =>
        {
            if (accepted == 3)
            {
                interruption.Cancel();
            }
        };

        var first = await CliRunner.RunAsync(resumable, interruption.Token);

        Assert.Equal(130, first.ExitCode);
        Assert.Equal(3, _gateway.Patches.Count);
        var tusUrl = _documents.ReadManifest()[pdf].Text("tus_url");
        Assert.NotNull(tusUrl);

        _gateway.OnPatchAccepted = null;
        var second = await CliRunner.RunAsync(resumable);

        Assert.True(second.ExitCode == 0, second.Output);
        // One upload, each byte sent once: the rerun began at the gateway's offset (3 chunks), not at zero.
        Assert.Equal(1, _gateway.TusCreates);
        Assert.Equal(0, _gateway.Creates);
        Assert.Equal(Enumerable.Range(0, 8).Select(i => (long)i * chunk), _gateway.Patches.Select(patch => patch.Offset));
        var session = Assert.Single(_gateway.Sessions);
        Assert.Equal(Documents.Sha256(pdf), session.Sha256);
        Assert.Equal("scan.pdf", session.Filename);
        Assert.Equal("b1", session.BatchId);
        var entry = _documents.ReadManifest()[pdf];
        Assert.Equal("uploaded", entry.Text("status"));
        Assert.Equal(session.Id, entry.Text("session_id"));
        Assert.Equal(tusUrl, entry.Text("tus_url"));
    }

    [Fact]
    public async Task Resumable_rerun_whose_upload_is_gone_starts_a_new_upload_from_zero()
    {
        const int chunk = 64 * 1024;
        var pdf = _documents.AddPdf("scan.pdf", seed: 3, size: 4 * chunk);
        string[] resumable = [.. Upload(), "--resumable", "--chunk-size", chunk.ToString(System.Globalization.CultureInfo.InvariantCulture)];
        using var interruption = new CancellationTokenSource();
        _gateway.OnPatchAccepted = accepted =>
        {
            if (accepted == 2)
            {
                interruption.Cancel();
            }
        };
        Assert.Equal(130, (await CliRunner.RunAsync(resumable, interruption.Token)).ExitCode);
        var lost = _documents.ReadManifest()[pdf].Text("session_id")!;
        _gateway.Forget(lost);

        _gateway.OnPatchAccepted = null;
        var rerun = await CliRunner.RunAsync(resumable);

        Assert.True(rerun.ExitCode == 0, rerun.Output);
        Assert.Equal(2, _gateway.TusCreates);
        var session = Assert.Single(_gateway.Sessions);
        Assert.NotEqual(lost, session.Id);
        Assert.Equal(Enumerable.Range(0, 4).Select(i => (long)i * chunk), _gateway.Patches.Where(patch => patch.SessionId == session.Id).Select(patch => patch.Offset));
        Assert.Equal(Documents.Sha256(pdf), session.Sha256);
        Assert.Equal(session.Id, _documents.ReadManifest()[pdf].Text("session_id"));
    }

    private int UploadingInManifest()
    {
        try
        {
            return _documents.ReadManifest().Values.Count(entry => entry.Text("status") == "uploading");
        }
        catch (Exception exception) when (exception is IOException or JsonException)
        {
            return 0;
        }
    }

    private static async Task WaitUntilAsync(Func<bool> condition, TimeSpan timeout)
    {
        var clock = Stopwatch.StartNew();
        while (!condition())
        {
            Assert.True(clock.Elapsed < timeout, "Timed out waiting for the upload to reach the expected point.");
            await Task.Delay(50);
        }
    }
}
