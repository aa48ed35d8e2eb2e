using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Options;
using UploadProxy.Gateway;
using UploadProxy.Gateway.Tus;
using UploadProxy.Grains;
using UploadProxy.Persistence.Staging;
using UploadProxy.Tests.Support;

namespace UploadProxy.Tests.Cluster;

/// <summary>
/// A tus upload in the PostgreSQL cluster: the gateway's PATCH writer over PostgreSQL parts, the silo holding the
/// session killed part-way, and the upload resumed from the offset the session saved.
/// </summary>
public sealed class TusClusterResumeTests(PostgresClusterFixture fixture) : IClassFixture<PostgresClusterFixture>
{
    private const int Chunk = 1024 * 1024 + 4321;

    [Fact]
    public async Task Tus_upload_resumes_after_the_silo_holding_its_session_is_killed_and_is_stored_once()
    {
        var grains = fixture.Cluster.Client;
        var pdf = SamplePdf.Create(seed: 1350, minimumBytes: 5 * Chunk);
        var id = SessionId.New();
        var session = grains.GetGrain<IUploadSessionGrain>(id);
        await session.CreateAsync(new CreateSessionCommand { FileName = "cluster-tus.pdf", ContentLength = pdf.Length, Protocol = UploadProtocol.Tus });
        var writer = new TusPatchWriter(
            new PostgresUploadPartStore(fixture.Database),
            fixture.Staging,
            Options.Create(new GatewayOptions()),
            TimeProvider.System);

        long acknowledged = 0;
        for (var i = 0; i < 2; i++)
        {
            acknowledged = await PatchAsync(writer, session, pdf, acknowledged);
        }

        var management = grains.GetGrain<IManagementGrain>(0);
        var host = await management.GetActivationAddress(session);
        await fixture.Cluster.KillSiloAsync(fixture.Cluster.Silos.First(s => s.SiloAddress.Equals(host)));

        // As HEAD asks: the session, activated again on a survivor, says what it saved.
        var resumed = await Eventually.UntilAsync(
            "the session to answer from a surviving silo",
            async () => { try { return await session.GetAsync(); } catch (OrleansException) { return null; } },
            s => s is not null,
            TimeSpan.FromSeconds(60));
        Assert.Equal(acknowledged, resumed!.ReceivedBytes);

        var offset = resumed.ReceivedBytes;
        while (offset < pdf.Length)
        {
            offset = await PatchAsync(writer, session, pdf, offset);
        }

        var done = await SessionWaits.UntilSettledAsync(session, TimeSpan.FromSeconds(120));
        Assert.Equal(SessionStatus.Uploaded, done.Status);
        Assert.Equal(SamplePdf.Sha256(pdf), done.Sha256);
        Assert.Equal(SamplePdf.Sha256(pdf), fixture.Cloudinary.Find(done.Storage!.PublicId)?.Sha256);
        Assert.Equal(1, fixture.Cloudinary.StoredUploadsOf(done.Storage.PublicId));
    }

    /// <summary>One PATCH of the next chunk, as the gateway's handler makes it: hold, write, commit.</summary>
    private static async Task<long> PatchAsync(TusPatchWriter writer, IUploadSessionGrain session, byte[] pdf, long offset)
    {
        var end = (int)Math.Min(pdf.Length, offset + Chunk);
        var grant = await session.BeginPatchAsync(offset, null, TimeSpan.FromSeconds(30));
        Assert.Equal(PatchOutcome.Granted, grant.Outcome);
        var context = new DefaultHttpContext();
        context.Request.Body = new MemoryStream(pdf[(int)offset..end]);
        context.Request.ContentLength = end - offset;
        var (committed, problem) = await writer.WriteAsync(session, grant, offset, null, null, context.Request, CancellationToken.None);
        Assert.Null(problem);
        Assert.Equal(PatchOutcome.Committed, committed!.Outcome);
        return committed.Session!.ReceivedBytes;
    }
}
