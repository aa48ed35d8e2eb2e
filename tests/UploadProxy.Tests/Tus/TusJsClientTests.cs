using System.Diagnostics;
using System.Net;
using System.Text.Json;
using UploadProxy.Fakes;
using UploadProxy.Tests.Support;

namespace UploadProxy.Tests.Tus;

/// <summary>
/// The real tus-js-client 4.3.1 (tests/tus-client, installed by tests/run.sh with npm ci) run by node against the real
/// gateway process: a kill -9 part-way, a restart, and the upload resumed from its URL, not from zero.
/// </summary>
public sealed class TusJsClientTests
{
    private const int ChunkSize = 5 * 1024 * 1024;

    [Fact]
    public async Task Tus_js_client_resumes_a_30_MB_upload_after_the_gateway_is_killed_9_and_it_is_stored_once()
    {
        var client = TusClientFolder();
        await using var cloudinary = await FakeCloudinaryServer.StartAsync();
        var dataDirectory = TestSettings.NewDataDirectory();
        var environment = TestSettings.Standalone(dataDirectory).WithCloudinary(cloudinary).AsEnvironment();
        environment.Remove("Standalone__DataDirectory");
        environment["UPLOADPROXY_DATA_DIR"] = dataDirectory;
        var pdf = SamplePdf.Create(seed: 1340, minimumBytes: 30 * 1024 * 1024);
        var file = Path.Combine(dataDirectory, "scan-30mb.pdf");
        await File.WriteAllBytesAsync(file, pdf);

        await using var first = await GatewayProcess.StartAsync(environment, dataDirectory);
        var address = first.Address;
        using var node = new NodeUpload(client, new Uri(address, "/api/tus").ToString(), file);
        // Two chunks acknowledged, the third on its way (each PATCH waits 300 ms first): the gateway dies part-way.
        var acknowledged = await node.WaitForOffsetAsync(2L * ChunkSize, TimeSpan.FromSeconds(120));
        await first.KillAsync();

        await using var second = await GatewayProcess.StartAsync(environment, dataDirectory, address);
        var url = node.Url!;
        using var http = new HttpClient();
        using var head = new HttpRequestMessage(HttpMethod.Head, url) { Headers = { { "Tus-Resumable", "1.0.0" } } };
        using var headed = await http.SendAsync(head);
        Assert.Equal(HttpStatusCode.OK, headed.StatusCode);
        Assert.True(TusClient.Offset(headed) >= acknowledged, $"HEAD after the restart says {TusClient.Offset(headed)}, the client was told {acknowledged}");

        Assert.Equal(0, await node.ExitCodeAsync(TimeSpan.FromSeconds(180)));
        Assert.Equal(url, node.SuccessUrl);
        var sessions = new UploadProxyClient(new HttpClient { BaseAddress = address });
        var session = await sessions.WaitForStatusAsync(TusClient.IdOf(url), s => s != "pending" && s != "uploading", TimeSpan.FromSeconds(120));
        Assert.True("uploaded" == session.GetProperty("status").GetString(), $"{session}\n{second.Output}");
        Assert.Equal(SamplePdf.Sha256(pdf), session.GetProperty("sha256").GetString());
        Assert.Equal(pdf.Length, session.GetProperty("received_bytes").GetInt64());
        Assert.Equal("tus", session.GetProperty("protocol").GetString());
        var asset = Assert.Single(cloudinary.Assets);
        Assert.Equal(SamplePdf.Sha256(pdf), asset.Sha256);
        await second.KillAsync();
        Directory.Delete(dataDirectory, recursive: true);
    }

    private static string TusClientFolder()
    {
        for (var folder = new DirectoryInfo(AppContext.BaseDirectory); folder is not null; folder = folder.Parent)
        {
            var client = Path.Combine(folder.FullName, "tests", "tus-client");
            if (File.Exists(Path.Combine(client, "upload.mjs")))
            {
                Assert.True(
                    Directory.Exists(Path.Combine(client, "node_modules", "tus-js-client")),
                    $"tus-js-client is not installed: run 'npm ci' in {client} (tests/run.sh does).");
                return client;
            }
        }

        throw new DirectoryNotFoundException("tests/tus-client is not above the test binaries.");
    }

    /// <summary>tests/tus-client/upload.mjs under node, its JSON events read as they come.</summary>
    private sealed class NodeUpload : IDisposable
    {
        private readonly Process _process;
        private readonly System.Text.StringBuilder _output = new();
        private long _offset;

        public NodeUpload(string folder, string endpoint, string file)
        {
            var start = new ProcessStartInfo("node", ["upload.mjs", endpoint, file, "--chunk-size", ChunkSize.ToString(System.Globalization.CultureInfo.InvariantCulture), "--chunk-delay-ms", "300"])
            {
                WorkingDirectory = folder,
                RedirectStandardOutput = true,
                RedirectStandardError = true,
                UseShellExecute = false,
            };
            _process = Process.Start(start) ?? throw new InvalidOperationException("node did not start.");
            _process.OutputDataReceived += (_, e) => Read(e.Data);
            _process.ErrorDataReceived += (_, e) => Append(e.Data);
            _process.BeginOutputReadLine();
            _process.BeginErrorReadLine();
        }

        public string? Url { get; private set; }

        public string? SuccessUrl { get; private set; }

        public string Output
        {
            get
            {
                lock (_output)
                {
                    return _output.ToString();
                }
            }
        }

        public Task<long> WaitForOffsetAsync(long atLeast, TimeSpan patience) =>
            Eventually.UntilAsync($"tus-js-client to be told offset {atLeast}", () => Task.FromResult(Interlocked.Read(ref _offset)), o => o >= atLeast, patience, _ => Output);

        public async Task<int> ExitCodeAsync(TimeSpan patience)
        {
            using var timeout = new CancellationTokenSource(patience);
            try
            {
                await _process.WaitForExitAsync(timeout.Token);
            }
            catch (OperationCanceledException)
            {
                throw new TimeoutException($"tus-js-client did not finish within {patience}:\n{Output}");
            }

            return _process.ExitCode;
        }

        public void Dispose()
        {
            if (!_process.HasExited)
            {
                _process.Kill(entireProcessTree: true);
            }

            _process.Dispose();
        }

        private void Read(string? line)
        {
            Append(line);
            if (line is null || !line.StartsWith('{'))
            {
                return;
            }

            var message = JsonDocument.Parse(line).RootElement;
            switch (message.GetProperty("event").GetString())
            {
                case "url":
                    Url = message.GetProperty("url").GetString();
                    break;
                case "chunk":
                    Interlocked.Exchange(ref _offset, message.GetProperty("offset").GetInt64());
                    break;
                case "success":
                    SuccessUrl = message.GetProperty("url").GetString();
                    break;
            }
        }

        private void Append(string? line)
        {
            if (line is not null)
            {
                lock (_output)
                {
                    _output.AppendLine(line);
                }
            }
        }
    }
}
