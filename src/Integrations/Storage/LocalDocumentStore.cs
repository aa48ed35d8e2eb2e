using UploadProxy.Grains;
using UploadProxy.Persistence.Staging;

namespace UploadProxy.Integrations.Storage;

/// <summary>Keeps documents under the data folder; the gateway serves them at <see cref="UrlPrefix"/>.</summary>
public sealed class LocalDocumentStore(string root, IDocumentStagingStore staging, TimeProvider timeProvider) : IDocumentStore
{
    public const string UrlPrefix = "/documents";

    public string Provider => "local";

    public string Root { get; } = Path.GetFullPath(root);

    public async Task<StoredAsset> StoreAsync(DocumentToStore document, CancellationToken cancellationToken)
    {
        var target = Path.Combine(Root, document.PublicId);
        Directory.CreateDirectory(Path.GetDirectoryName(target)!);
        var partial = target + ".part";
        try
        {
            await using (var source = await staging.OpenReadAsync(document.StagingKey, 0, cancellationToken))
            await using (var destination = new FileStream(partial, FileMode.Create, FileAccess.Write, FileShare.None, 64 * 1024, FileOptions.Asynchronous))
            {
                await source.CopyToAsync(destination, cancellationToken);
                destination.Flush(flushToDisk: true);
            }

            File.Move(partial, target, overwrite: true);
        }
        catch (StagedDocumentMissingException ex)
        {
            throw new DocumentStoreException("staged_document_missing", ex.Message, isTransient: false, ex);
        }
        catch (IOException ex)
        {
            throw new DocumentStoreException("storage_unavailable", ex.Message, isTransient: true, ex);
        }

        return new StoredAsset
        {
            Provider = Provider,
            PublicId = document.PublicId,
            Version = timeProvider.GetUtcNow().ToUnixTimeSeconds(),
            Bytes = document.Length,
            SecureUrl = $"{UrlPrefix}/{document.PublicId}",
        };
    }
}
