using UploadProxy.Grains;
using UploadProxy.Tests.Grains;
using UploadProxy.Tests.Support;

namespace UploadProxy.Tests.Tus;

/// <summary>
/// The staging sweep of tus parts (<c>Sessions:StagingOrphanAge</c>, 5 s here, swept every second): a part left by a
/// crash or by a PATCH racing an expiry goes once its session no longer receives bytes; a paused live upload keeps its part.
/// </summary>
public sealed class TusPartSweepTests(UploadSessionClusterFixture fixture) : IClassFixture<UploadSessionClusterFixture>
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(30);

    [Fact]
    public async Task An_old_part_whose_session_is_terminated_unknown_or_not_tus_is_swept_and_a_live_uploads_part_is_kept()
    {
        var live = await CreateAsync(UploadProtocol.Tus);
        var terminated = await CreateAsync(UploadProtocol.Tus);
        Assert.Equal(PatchOutcome.Terminated, (await Grain(terminated).TerminateAsync()).Outcome);
        var notTus = await CreateAsync(UploadProtocol.Send);
        var unknown = SessionId.New();
        var bytes = SamplePdf.Create(seed: 21);

        // Written after the termination: a PATCH that raced it, or a crash before the part was deleted.
        foreach (var sessionId in (string[])[live, terminated, notTus, unknown])
        {
            await fixture.WriteOldPartAsync(sessionId, bytes);
        }

        await Eventually.UntilAsync(
            "the parts no session receives to be swept",
            () => !fixture.HasPart(terminated) && !fixture.HasPart(unknown) && !fixture.HasPart(notTus),
            Patience);

        // One more orphan, swept by a later sweep: by then the live upload's part has been through a whole sweep.
        var later = SessionId.New();
        await fixture.WriteOldPartAsync(later, bytes);
        await Eventually.UntilAsync("a later orphaned part to be swept", () => !fixture.HasPart(later), Patience);

        Assert.True(fixture.HasPart(live), "the part of an upload still receiving bytes was swept");
        var session = await Grain(live).GetAsync();
        Assert.Equal(SessionStatus.Pending, session!.Status);
    }

    private IUploadSessionGrain Grain(string sessionId) => fixture.Cluster.Client.GetGrain<IUploadSessionGrain>(sessionId);

    private async Task<string> CreateAsync(UploadProtocol protocol)
    {
        var sessionId = SessionId.New();
        await Grain(sessionId).CreateAsync(new CreateSessionCommand { FileName = "scan.pdf", ContentLength = 64 * 1024, Protocol = protocol });
        return sessionId;
    }
}
