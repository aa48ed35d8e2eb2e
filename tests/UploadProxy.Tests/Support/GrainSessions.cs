using UploadProxy.Grains;
using UploadProxy.Persistence.Staging;

namespace UploadProxy.Tests.Support;

/// <summary>What the gateway does for a session, straight on the grains: create it, stage its document, send it.</summary>
public static class GrainSessions
{
    /// <summary>Creates a session named <paramref name="fileName"/> and sends it <paramref name="pdf"/>; returns the session once it accepted.</summary>
    public static async Task<IUploadSessionGrain> StartUploadAsync(this IGrainFactory grains, IDocumentStagingStore staging, string fileName, byte[] pdf)
    {
        var id = SessionId.New();
        var session = grains.GetGrain<IUploadSessionGrain>(id);
        await session.CreateAsync(new CreateSessionCommand { FileName = fileName });
        var sent = await session.SendAsync(await staging.StageAsync(id, pdf));
        Assert.Equal(SendOutcome.Accepted, sent.Outcome);
        return session;
    }
}
