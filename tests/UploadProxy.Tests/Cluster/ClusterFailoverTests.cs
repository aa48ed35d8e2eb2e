using UploadProxy.Grains;
using UploadProxy.Tests.Support;

namespace UploadProxy.Tests.Cluster;

public sealed class ClusterFailoverTests(PostgresClusterFixture fixture) : IClassFixture<PostgresClusterFixture>
{
    private const int SessionCount = 24;

    [Fact]
    public async Task Sessions_of_a_killed_silo_finish_on_the_survivors_each_stored_once()
    {
        var grains = fixture.Cluster.Client;
        var sessions = new List<(IUploadSessionGrain Session, byte[] Pdf)>();
        fixture.Cloudinary.HoldUploads();
        try
        {
            for (var i = 0; i < SessionCount; i++)
            {
                var pdf = SamplePdf.Create(seed: 1000 + i);
                sessions.Add((await grains.StartUploadAsync(fixture.Staging, $"cluster-{i}.pdf", pdf), pdf));
            }

            var management = grains.GetGrain<IManagementGrain>(0);
            var hosts = new List<SiloAddress>();
            foreach (var (session, _) in sessions)
            {
                hosts.Add((await management.GetActivationAddress(session))!);
            }

            // Kill the silo holding the most in-flight sessions.
            var victim = hosts.GroupBy(h => h).OrderByDescending(g => g.Count()).First().Key;
            Assert.Contains(fixture.Cluster.Silos, s => s.SiloAddress.Equals(victim));
            await fixture.Cluster.KillSiloAsync(fixture.Cluster.Silos.First(s => s.SiloAddress.Equals(victim)));
        }
        finally
        {
            fixture.Cloudinary.Release();
        }

        foreach (var (session, pdf) in sessions)
        {
            var done = await SessionWaits.UntilSettledAsync(session, TimeSpan.FromSeconds(120));
            Assert.Equal(SessionStatus.Uploaded, done.Status);
            Assert.Equal(SamplePdf.Sha256(pdf), fixture.Cloudinary.Find(done.Storage!.PublicId)?.Sha256);
        }

        Assert.Equal(SessionCount, fixture.Cloudinary.Assets.Count);

        // The killed silo's uploads were still held when it died, so some sessions were stored by a survivor while
        // the dead silo's copy of the work had saved "stored" without deleting the bytes; the sweep removes those.
        await Eventually.UntilAsync(
            "the sweep to remove every staged document",
            fixture.StagedDocumentCountAsync,
            count => count == 0,
            TimeSpan.FromSeconds(60),
            count => $"{count} staged documents");
    }
}
