using UploadProxy.Grains;
using UploadProxy.Tests.Support;

namespace UploadProxy.Tests.Grains;

public sealed class UploadSessionGrainTests(UploadSessionClusterFixture fixture) : IClassFixture<UploadSessionClusterFixture>
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(60);

    private IGrainFactory Grains => fixture.Cluster.Client;

    [Fact]
    public async Task A_sent_document_is_uploaded_once_with_its_planned_public_id()
    {
        var (session, document, pdf) = await CreateAndStageAsync(seed: 1);

        var accepted = await session.SendAsync(document);
        var done = await WaitAsync(session);

        Assert.Equal(SendOutcome.Accepted, accepted.Outcome);
        Assert.Equal(SessionStatus.Uploaded, done.Status);
        Assert.Equal(accepted.Session!.PublicId, done.Storage!.PublicId);
        var asset = fixture.Cloudinary.Find(done.Storage.PublicId);
        Assert.Equal(SamplePdf.Sha256(pdf), asset?.Sha256);
        Assert.Equal(1, asset?.UploadCount);
        Assert.False(await fixture.IsStillStagedAsync(document.StagingKey));
    }

    [Fact]
    public async Task Server_errors_are_retried_with_backoff_until_the_upload_succeeds()
    {
        var (session, document, pdf) = await CreateAndStageAsync(seed: 2);
        fixture.Cloudinary.FailNext(5, 503);

        await session.SendAsync(document);
        var done = await WaitAsync(session);

        Assert.Equal(SessionStatus.Uploaded, done.Status);
        Assert.True(done.Attempts >= 3, $"expected at least 3 attempts, saw {done.Attempts}");
        Assert.Null(done.Error);
        Assert.Equal(SamplePdf.Sha256(pdf), fixture.Cloudinary.Find(done.Storage!.PublicId)?.Sha256);
    }

    [Fact]
    public async Task A_refusal_that_retrying_cannot_fix_ends_the_session_failed()
    {
        var (session, document, _) = await CreateAndStageAsync(seed: 3);
        fixture.Cloudinary.FailNext(1, 400, "Invalid public id");

        await session.SendAsync(document);
        var done = await WaitAsync(session);

        Assert.Equal(SessionStatus.Failed, done.Status);
        Assert.Equal("cloudinary_rejected", done.Error?.Code);
        Assert.Contains("Invalid public id", done.Error?.Message);
        Assert.Equal(1, done.Attempts);
        Assert.False(await fixture.IsStillStagedAsync(document.StagingKey));
    }

    [Fact]
    public async Task Sessions_whose_silo_dies_mid_upload_finish_on_the_survivor_and_are_stored_once()
    {
        var sessions = new List<(IUploadSessionGrain Session, StagedDocument Document, byte[] Pdf)>();
        fixture.Cloudinary.HoldUploads();
        try
        {
            for (var i = 0; i < 8; i++)
            {
                var staged = await CreateAndStageAsync(seed: 100 + i);
                await staged.Session.SendAsync(staged.Document);
                sessions.Add(staged);
            }

            var management = Grains.GetGrain<IManagementGrain>(0);
            var secondary = fixture.Cluster.Silos[1];
            var onSecondary = 0;
            foreach (var (session, _, _) in sessions)
            {
                if (Equals(await management.GetActivationAddress(session), secondary.SiloAddress))
                {
                    onSecondary++;
                }
            }

            Assert.True(onSecondary > 0, "placement put no session on the silo this test kills");
            await fixture.Cluster.KillSiloAsync(secondary);
        }
        finally
        {
            fixture.Cloudinary.Release();
        }

        foreach (var (session, document, pdf) in sessions)
        {
            var done = await WaitAsync(session);
            Assert.Equal(SessionStatus.Uploaded, done.Status);
            Assert.Equal(SamplePdf.Sha256(pdf), fixture.Cloudinary.Find(done.Storage!.PublicId)?.Sha256);
            Assert.False(await fixture.IsStillStagedAsync(document.StagingKey));
        }
    }

    private async Task<(IUploadSessionGrain Session, StagedDocument Document, byte[] Pdf)> CreateAndStageAsync(int seed)
    {
        var id = SessionId.New();
        var session = Grains.GetGrain<IUploadSessionGrain>(id);
        await session.CreateAsync(new CreateSessionCommand { FileName = $"scan-{seed}.pdf" });
        var pdf = SamplePdf.Create(seed: seed);
        return (session, await fixture.StageAsync(id, pdf), pdf);
    }

    private static Task<UploadSessionSnapshot> WaitAsync(IUploadSessionGrain session) => SessionWaits.UntilSettledAsync(session, Patience);
}
