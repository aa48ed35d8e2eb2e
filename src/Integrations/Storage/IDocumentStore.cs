using UploadProxy.Grains;

namespace UploadProxy.Integrations.Storage;

/// <summary>Where documents are stored permanently: Cloudinary, or the local disk when Cloudinary is not configured.</summary>
public interface IDocumentStore
{
    string Provider { get; }

    /// <summary>Stores the staged bytes under the given public id; storing the same id again overwrites, never duplicates.</summary>
    /// <exception cref="DocumentStoreException">The store refused or could not be reached.</exception>
    Task<StoredAsset> StoreAsync(DocumentToStore document, CancellationToken cancellationToken);
}

/// <param name="Attempt">
/// The session's attempt number, counted before each attempt and kept across crashes: any attempt after the first may
/// follow one whose outcome is unknown, so the store looks for the document before uploading it again.
/// </param>
public sealed record DocumentToStore(
    string SessionId,
    string PublicId,
    string StagingKey,
    long Length,
    string Sha256,
    string ChunkedUploadId,
    int Attempt = 1);

/// <summary>A failed store. Transient failures are worth another attempt later; the others will fail again.</summary>
/// <param name="outcomeUnknown">The document may have been stored all the same: the next attempt looks before it uploads.</param>
public sealed class DocumentStoreException(string code, string message, bool isTransient, Exception? innerException = null, bool outcomeUnknown = false)
    : Exception(message, innerException)
{
    public string Code { get; } = code;
    public bool IsTransient { get; } = isTransient;
    public bool OutcomeUnknown { get; } = outcomeUnknown;
}
