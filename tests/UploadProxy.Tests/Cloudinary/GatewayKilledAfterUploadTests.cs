using System.Net;
using UploadProxy.Fakes;
using UploadProxy.Tests.Support;

namespace UploadProxy.Tests.Cloudinary;

public sealed class GatewayKilledAfterUploadTests
{
    private const int Documents = 4;

    [Fact]
    public async Task Documents_cloudinary_stored_before_a_kill_9_are_adopted_after_restart_not_uploaded_again()
    {
        await using var cloudinary = await FakeCloudinaryServer.StartAsync();
        var dataDirectory = TestSettings.NewDataDirectory();
        var environment = new Dictionary<string, string?>
        {
            ["CLOUDINARY_URL"] = $"cloudinary://{cloudinary.ApiKey}:{cloudinary.ApiSecret}@{cloudinary.CloudName}",
            ["CLOUDINARY_UPLOAD_PREFIX"] = cloudinary.UploadPrefix.ToString(),
            ["UPLOADPROXY_DATA_DIR"] = dataDirectory,
        };
        foreach (var (key, value) in TestSettings.Standalone(dataDirectory).Where(s => s.Key != "Standalone:DataDirectory"))
        {
            environment[key.Replace(":", "__", StringComparison.Ordinal)] = value;
        }

        var batch = new List<(string Id, byte[] Pdf)>();
        // Cloudinary stores each upload, but its answer never reaches the gateway before the gateway dies.
        cloudinary.HoldAnswers();
        await using (var first = await GatewayProcess.StartAsync(environment, dataDirectory))
        {
            var client = new UploadProxyClient(new HttpClient { BaseAddress = first.Address });
            for (var i = 0; i < Documents; i++)
            {
                var id = await client.CreateIdAsync(new { filename = $"killed-{i}.pdf" });
                var pdf = SamplePdf.Create(seed: 400 + i, minimumBytes: 64 * 1024);
                var (response, _) = await client.SendAsync(id, pdf, respondAsync: true);
                Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
                batch.Add((id, pdf));
            }

            using var patience = new CancellationTokenSource(TimeSpan.FromSeconds(60));
            while (cloudinary.Assets.Count < Documents && !patience.IsCancellationRequested)
            {
                await Task.Delay(100, CancellationToken.None);
            }

            Assert.Equal(Documents, cloudinary.Assets.Count);
            await first.KillAsync();
        }

        // The public ids the sessions planned before the kill, as Cloudinary stored them.
        var planned = batch.ToDictionary(d => d.Id, d => cloudinary.Assets.Single(a => a.Sha256 == SamplePdf.Sha256(d.Pdf)).PublicId);
        cloudinary.Release();
        await using var second = await GatewayProcess.StartAsync(environment, dataDirectory);
        var restarted = new UploadProxyClient(new HttpClient { BaseAddress = second.Address });

        foreach (var (id, pdf) in batch)
        {
            var session = await restarted.WaitForStatusAsync(id, s => s != "uploading", TimeSpan.FromSeconds(60));
            Assert.True("uploaded" == session.GetProperty("status").GetString(), $"{id}: {session}\n{second.Output}");
            var publicId = session.GetProperty("storage").GetProperty("public_id").GetString()!;
            Assert.Equal(planned[id], publicId);
            Assert.Equal(SamplePdf.Sha256(pdf), cloudinary.Find(publicId)?.Sha256);
            Assert.Equal(1, cloudinary.StoredUploadsOf(publicId));
            Assert.Equal(1, cloudinary.UploadRequestsFor(publicId));
        }

        Assert.Equal(Documents, cloudinary.Assets.Count);
        Assert.Empty(Directory.EnumerateFiles(Path.Combine(dataDirectory, "staging"), "*.pdf"));
        Directory.Delete(dataDirectory, recursive: true);
    }
}
