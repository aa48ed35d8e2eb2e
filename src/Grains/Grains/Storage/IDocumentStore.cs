namespace UploadProxy.Grains.Storage;

/// <summary>Where documents are stored permanently: Cloudinary, or the local disk when Cloudinary is not configured.</summary>
public interface IDocumentStore
{
    string Provider { get; }

    /// <summary>Stores the staged bytes under the given public id; storing the same id again overwrites, never duplicates.</summary>
    /// <exception cref="DocumentStoreException">The store refused or could not be reached.</exception>
    Task<StoredAsset> StoreAsync(DocumentToStore document, CancellationToken cancellationToken);
}

public sealed record DocumentToStore(
    string SessionId,
    string PublicId,
    string StagingKey,
    long Length,
    string Sha256,
    string ChunkedUploadId);

/// <summary>A failed store. Transient failures are worth another attempt later; the others will fail again.</summary>
public sealed class DocumentStoreException(string code, string message, bool isTransient, Exception? innerException = null)
    : Exception(message, innerException)
{
    public string Code { get; } = code;
    public bool IsTransient { get; } = isTransient;
}
