using System.Net;
using Microsoft.Extensions.DependencyInjection;
using UploadProxy.Grains;
using UploadProxy.Tests.Cloudinary;
using UploadProxy.Tests.Support;

namespace UploadProxy.Tests.Sessions;

/// <summary>
/// The gateway's call to the session times out after the session took the document, as when its silo dies right after
/// the accept. The client retries the send, as the contract tells it to after a 503; the session still owns the bytes
/// it took, so its next attempt can read them.
/// </summary>
public sealed class SendAnswerLostTests
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(60);

    [Fact]
    public async Task A_send_whose_grain_answer_is_lost_is_retried_and_the_document_stored_once()
    {
        var lostAnswer = new LoseFirstSendAnswer();
        await using var gateway = await CloudinaryGateway.StartAsync(
            services: services => services.AddSingleton<IOutgoingGrainCallFilter>(lostAnswer));
        // The first upload fails transiently, so the session needs its staged bytes again after the lost answer.
        gateway.Cloudinary.FailNext(1, 500);
        var id = await gateway.Client.CreateIdAsync(new { filename = "answer-lost.pdf" });
        var pdf = SamplePdf.Create(seed: 41);

        var (first, firstBody) = await gateway.Client.SendAsync(id, pdf, respondAsync: true);
        var (retried, retriedBody) = await gateway.Client.SendAsync(id, pdf, respondAsync: true);
        var session = await gateway.Client.WaitForStatusAsync(id, s => s is "uploaded" or "failed", Patience);

        Assert.True(lostAnswer.Lost, "The first send's answer was not lost: the test did not test anything.");
        Assert.Equal(HttpStatusCode.ServiceUnavailable, first.StatusCode);
        Assert.Equal("cluster_unavailable", firstBody.GetProperty("code").GetString());
        Assert.True(retried.StatusCode is HttpStatusCode.Accepted or HttpStatusCode.OK, $"{retried.StatusCode}: {retriedBody}");
        Assert.True("uploaded" == session.GetProperty("status").GetString(), session.ToString());
        var publicId = session.GetProperty("storage").GetProperty("public_id").GetString()!;
        Assert.Equal(SamplePdf.Sha256(pdf), gateway.Cloudinary.Find(publicId)?.Sha256);
        Assert.Equal(1, gateway.Cloudinary.StoredUploadsOf(publicId));
        Assert.Single(gateway.Cloudinary.Assets);
        await Eventually.UntilAsync("the staged bytes deleted once the document is stored", () => !gateway.Factory.StagedFiles.Any(), Patience);
    }

    /// <summary>Carries out the first send's grain call, then loses its answer.</summary>
    private sealed class LoseFirstSendAnswer : IOutgoingGrainCallFilter
    {
        private int _lost;

        public bool Lost => Volatile.Read(ref _lost) == 1;

        public async Task Invoke(IOutgoingGrainCallContext context)
        {
            await context.Invoke();
            if (context.MethodName == nameof(IUploadSessionGrain.SendAsync) && Interlocked.Exchange(ref _lost, 1) == 0)
            {
                throw new TimeoutException("The answer to the send was lost.");
            }
        }
    }
}
