using UploadProxy.Grains;
using UploadProxy.Persistence.Staging;

namespace UploadProxy.Tests.Support;

public static class StagingExtensions
{
    /// <summary>Stages a document the way the gateway does before it calls the session.</summary>
    public static async Task<StagedDocument> StageAsync(this IDocumentStagingStore staging, string sessionId, byte[] document)
    {
        await using var writer = await staging.BeginAsync(sessionId, CancellationToken.None);
        await writer.WriteAsync(document, CancellationToken.None);
        var sha256 = SamplePdf.Sha256(document);
        return new StagedDocument(sha256, document.Length, await writer.CommitAsync(sha256, CancellationToken.None), "scan.pdf");
    }
}
