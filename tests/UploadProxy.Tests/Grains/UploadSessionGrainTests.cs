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
        await fixture.AssertUnstagedAsync(document.StagingKey);
    }

    [Fact]
    public async Task Server_errors_are_retried_with_backoff_until_the_upload_succeeds()
    {
        const int failedAttempts = 4;
        var (session, document, pdf) = await CreateAndStageAsync(seed: 2);
        // An upload's 503 leaves its outcome unknown, so the transport never sends it again: one request per attempt,
        // and each later attempt looks the asset up first (not found) before it uploads.
        fixture.Cloudinary.FailNext(failedAttempts, 503);

        var accepted = await session.SendAsync(document);
        var done = await WaitAsync(session);

        Assert.Equal(SessionStatus.Uploaded, done.Status);
        Assert.Equal(failedAttempts + 1, done.Attempts);
        Assert.Null(done.Error);
        var asset = fixture.Cloudinary.Find(done.Storage!.PublicId);
        Assert.Equal(SamplePdf.Sha256(pdf), asset?.Sha256);
        Assert.Equal(1, asset?.UploadCount);

        // Between one attempt's request and the next attempt's, the session waits RetryBaseDelay doubled
        // after each failure, less at most half for jitter. The fake times each request after reading it and before
        // answering it, so a busy machine can only lengthen a measured gap, never shorten it.
        var received = fixture.Cloudinary.ReceivedUploads.Where(r => r.PublicId == accepted.Session!.PublicId).Select(r => r.ReceivedAt).ToList();
        Assert.Equal(failedAttempts + 1, received.Count);
        for (var failure = 1; failure <= failedAttempts; failure++)
        {
            var gap = received[failure] - received[failure - 1];
            var floor = TestSettings.RetryBaseDelay * Math.Pow(2, failure - 1) * 0.5;
            Assert.True(gap >= floor, $"after failure {failure} the session waited {gap.TotalMilliseconds:0} ms, less than the backoff's {floor.TotalMilliseconds:0} ms");
        }
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
        await fixture.AssertUnstagedAsync(document.StagingKey);
    }

    [Fact]
    public async Task Sessions_whose_silo_dies_mid_upload_finish_on_the_survivor_and_are_stored_once()
    {
        var sessions = new List<(IUploadSessionGrain Session, StagedDocument Document, byte[] Pdf)>();
        var moved = new HashSet<string>(StringComparer.Ordinal);
        var assetsBefore = fixture.Cloudinary.Assets.Count;
        fixture.Cloudinary.HoldUploads();
        try
        {
            var management = Grains.GetGrain<IManagementGrain>(0);
            var secondary = fixture.Cluster.Silos[1];
            // Placement favours the less loaded silo, which on a busy machine may be either: sessions are started until
            // at least one runs on the silo this test kills.
            for (var i = 0; i < 64 && (sessions.Count < 8 || moved.Count == 0); i++)
            {
                var staged = await CreateAndStageAsync(seed: 100 + i);
                await staged.Session.SendAsync(staged.Document);
                sessions.Add(staged);
                if (Equals(await management.GetActivationAddress(staged.Session), secondary.SiloAddress))
                {
                    moved.Add(staged.Session.GetPrimaryKeyString());
                }
            }

            Assert.True(moved.Count > 0, $"placement put none of {sessions.Count} sessions on the silo this test kills");
            await fixture.Cluster.KillSiloAsync(secondary);
        }
        finally
        {
            fixture.Cloudinary.Release();
        }

        var publicIds = new List<string>();
        foreach (var (session, document, pdf) in sessions)
        {
            var done = await WaitAsync(session);
            Assert.Equal(SessionStatus.Uploaded, done.Status);
            var asset = fixture.Cloudinary.Find(done.Storage!.PublicId);
            Assert.Equal(SamplePdf.Sha256(pdf), asset?.Sha256);
            // A session the kill left alone is uploaded once. One that moved is uploaded again by the survivor; the dead
            // silo's request may land too, since an in-process "kill" leaves its connection to Cloudinary open.
            var uploads = moved.Contains(session.GetPrimaryKeyString()) ? (Min: 1, Max: 2) : (Min: 1, Max: 1);
            Assert.True(asset?.UploadCount >= uploads.Min && asset.UploadCount <= uploads.Max, $"{asset?.PublicId} was uploaded {asset?.UploadCount} times");
            await fixture.AssertUnstagedAsync(document.StagingKey);
            publicIds.Add(done.Storage.PublicId);
        }

        // Stored once: one asset per session, and nothing else stored.
        Assert.Equal(sessions.Count, publicIds.Distinct().Count());
        Assert.Equal(assetsBefore + sessions.Count, fixture.Cloudinary.Assets.Count);
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
