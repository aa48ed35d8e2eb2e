using System.Net;
using UploadProxy.Fakes;
using UploadProxy.Tests.Support;

namespace UploadProxy.Tests.Crash;

public sealed class GatewayCrashTests
{
    private const int BatchSize = 30;
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(120);

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

        // Each document by the public id its upload asked Cloudinary for before the kill.
        var planned = new Dictionary<string, (string Id, byte[] Pdf)>();
        int requestsBeforeKill;
        cloudinary.HoldUploads();
        await using (var first = await GatewayProcess.StartAsync(environment, dataDirectory))
        {
            var client = new UploadProxyClient(new HttpClient { BaseAddress = first.Address });
            var batch = new List<(string Id, string FileName, byte[] Pdf)>();
            for (var i = 0; i < BatchSize; i++)
            {
                var fileName = $"batch-{i:D3}.pdf";
                var id = await client.CreateIdAsync(new { filename = fileName });
                var pdf = SamplePdf.Create(seed: i, minimumBytes: 64 * 1024);
                var (response, accepted) = await client.SendAsync(id, pdf, respondAsync: true);
                Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
                Assert.Equal("uploading", accepted.GetProperty("status").GetString());
                Assert.Equal(SamplePdf.Sha256(pdf), accepted.GetProperty("sha256").GetString());
                batch.Add((id, fileName, pdf));
            }

            // Kill only once every upload is in flight at Cloudinary, each under its planned public id.
            await Eventually.UntilAsync(
                $"all {BatchSize} uploads to reach Cloudinary before the kill",
                () => cloudinary.ReceivedUploads.Select(r => r.PublicId).Distinct().Count() == BatchSize,
                Patience,
                () => $"{cloudinary.ReceivedUploads.Count} requests\n{first.Output}");
            var publicIds = cloudinary.ReceivedUploads.Select(r => r.PublicId!).Distinct().ToList();
            foreach (var (id, fileName, pdf) in batch)
            {
                planned.Add(Assert.Single(publicIds, p => p.EndsWith("-" + fileName, StringComparison.Ordinal)), (id, pdf));
            }

            requestsBeforeKill = cloudinary.ReceivedUploads.Count;
            await first.KillAsync();
        }

        // The dead process's held requests end with its connections; only then may the fake let uploads through, or
        // one of them could still store its document.
        await Eventually.UntilAsync(
            "the killed gateway's held uploads to be dropped",
            () => cloudinary.HeldUploads == 0,
            TimeSpan.FromSeconds(30),
            () => $"{cloudinary.HeldUploads} still held");
        Assert.Empty(cloudinary.Assets);
        cloudinary.Release();
        await using var second = await GatewayProcess.StartAsync(environment, dataDirectory);

        // Nobody calls the sessions: the durable reminders alone must bring every document to Cloudinary. Only the
        // fake is watched, so no read activates a session.
        await Eventually.UntilAsync(
            $"the reminders to store all {BatchSize} documents with nobody calling",
            () => planned.All(p => cloudinary.Find(p.Key)?.Sha256 == SamplePdf.Sha256(p.Value.Pdf)),
            Patience,
            () => $"{planned.Count(p => cloudinary.Find(p.Key) is not null)} of {BatchSize} stored under their planned public id, "
                + $"{cloudinary.Assets.Count} assets in all\n{second.Output}");

        // One upload each after the restart, under the public id planned before the kill, and one asset each.
        var afterRestart = cloudinary.ReceivedUploads.Skip(requestsBeforeKill).Select(r => r.PublicId).ToList();
        Assert.Equal(planned.Keys.Order(StringComparer.Ordinal), afterRestart.Order(StringComparer.Ordinal));
        Assert.Equal(planned.Keys.Order(StringComparer.Ordinal), cloudinary.Assets.Select(a => a.PublicId).Order(StringComparer.Ordinal));
        Assert.All(cloudinary.Assets, a => Assert.Equal(1, a.UploadCount));

        var restarted = new UploadProxyClient(new HttpClient { BaseAddress = second.Address });
        foreach (var (publicId, (id, pdf)) in planned)
        {
            // The asset is stored before the session saves it: wait for that save, which the reminder already runs.
            var session = await restarted.WaitForStatusAsync(id, s => s != "uploading", TimeSpan.FromSeconds(30));
            Assert.True("uploaded" == session.GetProperty("status").GetString(), $"{id}: {session}\n{second.Output}");
            Assert.Equal(publicId, session.GetProperty("storage").GetProperty("public_id").GetString());
            Assert.Equal(cloudinary.Find(publicId)!.SecureUrl, session.GetProperty("url").GetString());
        }

        var staging = Path.Combine(dataDirectory, "staging");
        await Eventually.UntilAsync(
            "the staged bytes of stored documents to be deleted",
            () => !Directory.EnumerateFiles(staging, "*.pdf").Any(),
            TimeSpan.FromSeconds(30),
            () => string.Join(", ", Directory.EnumerateFiles(staging, "*.pdf")));
        Directory.Delete(dataDirectory, recursive: true);
    }
}
