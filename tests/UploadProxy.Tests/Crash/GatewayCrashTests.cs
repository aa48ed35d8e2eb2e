using System.Net;
using UploadProxy.Fakes;
using UploadProxy.Tests.Support;

namespace UploadProxy.Tests.Crash;

public sealed class GatewayCrashTests
{
    private const int BatchSize = 30;

    [Fact]
    public async Task A_gateway_killed_mid_batch_finishes_every_accepted_document_after_restart_storing_each_once()
    {
        await using var cloudinary = await FakeCloudinaryServer.StartAsync();
        var dataDirectory = TestSettings.NewDataDirectory();
        var standalone = TestSettings.Standalone(dataDirectory);
        // The original app's environment names, as a user of the Node.js app has them in .env.
        var environment = new Dictionary<string, string?>
        {
            ["CLOUDINARY_URL"] = $"cloudinary://{cloudinary.ApiKey}:{cloudinary.ApiSecret}@{cloudinary.CloudName}",
            ["CLOUDINARY_UPLOAD_PREFIX"] = cloudinary.UploadPrefix.ToString(),
            ["UPLOADPROXY_DATA_DIR"] = dataDirectory,
        };
        foreach (var (key, value) in standalone.Where(s => s.Key != "Standalone:DataDirectory"))
        {
            environment[key.Replace(":", "__", StringComparison.Ordinal)] = value;
        }

        var batch = new List<(string Id, byte[] Pdf)>();
        cloudinary.HoldUploads();
        await using (var first = await GatewayProcess.StartAsync(environment, dataDirectory))
        {
            var client = new UploadProxyClient(new HttpClient { BaseAddress = first.Address });
            for (var i = 0; i < BatchSize; i++)
            {
                var id = await client.CreateIdAsync(new { filename = $"batch-{i:D3}.pdf" });
                var pdf = SamplePdf.Create(seed: i, minimumBytes: 64 * 1024);
                var (response, _) = await client.SendAsync(id, pdf, respondAsync: true);
                Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
                batch.Add((id, pdf));
            }

            await first.KillAsync();
        }

        cloudinary.Release();
        await using var second = await GatewayProcess.StartAsync(environment, dataDirectory);

        // Nobody calls the sessions: the durable reminders alone must bring every document to Cloudinary.
        using (var patience = new CancellationTokenSource(TimeSpan.FromSeconds(120)))
        {
            while (!batch.All(d => cloudinary.Assets.Any(a => a.Sha256 == SamplePdf.Sha256(d.Pdf))) && !patience.IsCancellationRequested)
            {
                await Task.Delay(250, CancellationToken.None);
            }
        }

        var restarted = new UploadProxyClient(new HttpClient { BaseAddress = second.Address });
        var publicIds = new List<string>();
        foreach (var (id, pdf) in batch)
        {
            var session = await restarted.WaitForStatusAsync(id, s => s != "uploading", TimeSpan.FromSeconds(30));
            Assert.True("uploaded" == session.GetProperty("status").GetString(), $"{id}: {session}\n{second.Output}");
            var publicId = session.GetProperty("storage").GetProperty("public_id").GetString()!;
            Assert.Equal(SamplePdf.Sha256(pdf), cloudinary.Find(publicId)?.Sha256);
            publicIds.Add(publicId);
        }

        Assert.Equal(BatchSize, publicIds.Distinct().Count());
        Assert.Equal(BatchSize, cloudinary.Assets.Count);
        Assert.Empty(Directory.EnumerateFiles(Path.Combine(dataDirectory, "staging"), "*.pdf"));
        Directory.Delete(dataDirectory, recursive: true);
    }
}
