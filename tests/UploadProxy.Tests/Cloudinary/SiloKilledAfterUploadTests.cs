using UploadProxy.Grains;
using UploadProxy.Tests.Grains;
using UploadProxy.Tests.Support;

namespace UploadProxy.Tests.Cloudinary;

public sealed class SiloKilledAfterUploadTests(UploadSessionClusterFixture fixture) : IClassFixture<UploadSessionClusterFixture>
{
    private const int Sessions = 8;
    private const int MaxSessions = 64;

    [Fact]
    public async Task Documents_stored_before_their_silo_died_are_adopted_by_the_survivor_not_uploaded_again()
    {
        var grains = fixture.Cluster.Client;
        var sessions = new List<(IUploadSessionGrain Session, byte[] Pdf)>();
        var secondary = fixture.Cluster.Silos[1];
        var onSecondary = new List<IUploadSessionGrain>();
        // Cloudinary stores each upload, but no answer reaches the silo before it dies.
        fixture.Cloudinary.HoldAnswers();
        try
        {
            // Placement weighs the silos' load, so it may put many sessions in a row on one silo: sessions are opened
            // until the silo this test kills holds some of them.
            var management = grains.GetGrain<IManagementGrain>(0);
            for (var i = 0; (i < Sessions || onSecondary.Count < 2) && i < MaxSessions; i++)
            {
                var pdf = SamplePdf.Create(seed: 500 + i);
                var session = await grains.StartUploadAsync(fixture.Staging, $"silo-{i}.pdf", pdf);
                sessions.Add((session, pdf));
                if (Equals(await management.GetActivationAddress(session), secondary.SiloAddress))
                {
                    onSecondary.Add(session);
                }
            }

            using (var patience = new CancellationTokenSource(TimeSpan.FromSeconds(60)))
            {
                while (fixture.Cloudinary.Assets.Count < sessions.Count && !patience.IsCancellationRequested)
                {
                    await Task.Delay(100, CancellationToken.None);
                }
            }

            Assert.Equal(sessions.Count, fixture.Cloudinary.Assets.Count);
            Assert.True(onSecondary.Count > 0, "placement put no session on the silo this test kills");
            await fixture.Cluster.KillSiloAsync(secondary);
        }
        finally
        {
            fixture.Cloudinary.Release();
        }

        foreach (var (session, pdf) in sessions)
        {
            var done = await SessionWaits.UntilSettledAsync(session, TimeSpan.FromSeconds(90));
            Assert.Equal(SessionStatus.Uploaded, done.Status);
            Assert.Equal(SamplePdf.Sha256(pdf), fixture.Cloudinary.Find(done.Storage!.PublicId)?.Sha256);
            Assert.Equal(1, fixture.Cloudinary.StoredUploadsOf(done.Storage.PublicId));
        }

        Assert.Equal(sessions.Count, fixture.Cloudinary.Assets.Count);
    }
}
