using System.Text.Json;
using UploadProxy.Cli.Tests.Support;
using UploadProxy.Fakes;
using UploadProxy.Tests.Support;

namespace UploadProxy.Cli.Tests;

/// <summary>The CLI against the real gateway process, storing on the fake Cloudinary: no fake of the gateway's answers.</summary>
public sealed class RealGatewayTests : IDisposable
{
    private readonly Documents _documents = new();

    public void Dispose() => _documents.Dispose();

    [Fact]
    public async Task Upload_of_a_folder_through_the_real_gateway_stores_each_pdf_once_in_its_batch_and_writes_the_manifest()
    {
        await using var cloudinary = await FakeCloudinaryServer.StartAsync();
        var dataDirectory = TestSettings.NewDataDirectory();
        var batch = $"cli-{Guid.NewGuid():N}";
        var pdfs = _documents.AddPdfs(6);
        await using (var gateway = await GatewayProcess.StartAsync(TestSettings.Standalone(dataDirectory).WithCloudinary(cloudinary).AsEnvironment(), dataDirectory))
        {
            var run = await CliRunner.RunAsync(["upload", _documents.Root, "--gateway", gateway.Address.ToString(), "--batch", batch, "--concurrency", "3"]);

            Assert.True(run.ExitCode == 0, $"{run.Output}\n{gateway.Output}");
            Assert.Contains($"{pdfs.Count}/{pdfs.Count} files stored", run.Output);
            var manifest = _documents.ReadManifest();
            Assert.Equal(pdfs.Order(), manifest.Keys.Order());

            // Each manifest entry is the gateway's own session: its batch, name, bytes and URL, stored once at Cloudinary.
            var client = new UploadProxyClient(new HttpClient { BaseAddress = gateway.Address });
            foreach (var pdf in pdfs)
            {
                var entry = manifest[pdf];
                Assert.Equal("uploaded", entry.Text("status"));
                var (_, session) = await client.InfoAsync(entry.Text("session_id")!);
                Assert.Equal("uploaded", session.GetProperty("status").GetString());
                Assert.Equal(batch, session.GetProperty("batch_id").GetString());
                Assert.Equal(Path.GetFileName(pdf), session.GetProperty("filename").GetString());
                Assert.Equal(Documents.Sha256(pdf), session.GetProperty("sha256").GetString());
                Assert.Equal(Documents.Sha256(pdf), entry.Text("sha256"));
                Assert.Equal(session.GetProperty("url").GetString(), entry.Text("url"));
                var asset = cloudinary.Find(session.GetProperty("storage").GetProperty("public_id").GetString()!);
                Assert.Equal(Documents.Sha256(pdf), asset?.Sha256);
                Assert.Equal(1, asset?.UploadCount);
            }

            Assert.Equal(pdfs.Count, cloudinary.Assets.Count);
            Assert.Equal(pdfs.Count, cloudinary.UploadRequests);
            // The batch hears of its sessions' changes one-way, so its counts may trail the sessions by a moment.
            var listed = await Eventually.UntilAsync(
                $"batch {batch} to count every document uploaded",
                async () => JsonDocument.Parse(await client.Http.GetStringAsync($"/api/batches/{batch}")).RootElement.Clone(),
                b => b.GetProperty("counts").GetProperty("uploaded").GetInt32() == pdfs.Count,
                TimeSpan.FromSeconds(30));
            Assert.Equal(pdfs.Count, listed.GetProperty("total").GetInt32());
            Assert.Equal(pdfs.Count, File.ReadAllLines(_documents.CsvPath).Length - 1);
        }

        Directory.Delete(dataDirectory, recursive: true);
    }

    [Fact]
    public async Task Resumable_upload_cut_part_way_through_the_real_gateway_is_resumed_and_stored_once_with_its_sha256()
    {
        await using var cloudinary = await FakeCloudinaryServer.StartAsync();
        var dataDirectory = TestSettings.NewDataDirectory();
        var batch = $"cli-{Guid.NewGuid():N}";
        const int chunk = 256 * 1024;
        var pdf = _documents.AddPdf("large.pdf", seed: 11, size: 16 * chunk);
        await using (var gateway = await GatewayProcess.StartAsync(TestSettings.Standalone(dataDirectory).WithCloudinary(cloudinary).AsEnvironment(), dataDirectory))
        {
            string[] upload =
            [
                "upload", _documents.Root, "--gateway", gateway.Address.ToString(), "--batch", batch,
                "--resumable", "--chunk-size", chunk.ToString(System.Globalization.CultureInfo.InvariantCulture),
            ];
            var client = new UploadProxyClient(new HttpClient { BaseAddress = gateway.Address });
            using var interruption = new CancellationTokenSource();
            using (var cutAfterThree = new PatchCounter(cutAfter: 3, interruption))
            {
                Assert.Equal(130, (await CliRunner.RunAsync(upload, cutAfterThree, interruption.Token)).ExitCode);
            }

            var sessionId = _documents.ReadManifest()[pdf].Text("session_id")!;
            var (_, cut) = await client.InfoAsync(sessionId);
            Assert.Equal("pending", cut.GetProperty("status").GetString());
            Assert.Equal(3 * chunk, cut.GetProperty("received_bytes").GetInt64());

            using var counter = new PatchCounter();
            var rerun = await CliRunner.RunAsync(upload, counter);

            // The rerun sent the 13 chunks the gateway lacked, not the whole file again.
            Assert.True(rerun.ExitCode == 0, $"{rerun.Output}\n{gateway.Output}");
            Assert.Equal(13, counter.Accepted);
            Assert.Equal(sessionId, _documents.ReadManifest()[pdf].Text("session_id"));
            var (_, session) = await client.InfoAsync(sessionId);
            Assert.Equal("uploaded", session.GetProperty("status").GetString());
            Assert.Equal("tus", session.GetProperty("protocol").GetString());
            Assert.Equal(Documents.Sha256(pdf), session.GetProperty("sha256").GetString());
            Assert.Equal(16 * chunk, session.GetProperty("received_bytes").GetInt64());
            var asset = Assert.Single(cloudinary.Assets);
            Assert.Equal(Documents.Sha256(pdf), asset.Sha256);
            Assert.Equal(1, asset.UploadCount);
        }

        Directory.Delete(dataDirectory, recursive: true);
    }
}
