namespace UploadProxy.Fakes.Cloudinary;

/// <summary>The account's assets, one per public id, each with the bytes of its current version in a file.</summary>
internal sealed class AssetStore
{
    private readonly Lock _lock = new();
    private readonly Dictionary<string, StoredAsset> _assets = new(StringComparer.Ordinal);
    private long _lastVersion;

    public IReadOnlyCollection<FakeCloudinaryAsset> Snapshot()
    {
        lock (_lock)
        {
            return [.. _assets.Values.Select(a => a.Asset)];
        }
    }

    public FakeCloudinaryAsset? Find(string publicId)
    {
        lock (_lock)
        {
            return _assets.GetValueOrDefault(publicId)?.Asset;
        }
    }

    /// <summary>An asset as the Admin API reports it, or null when the account has no such resource.</summary>
    public StoredAsset? FindStored(string resourceType, string publicId)
    {
        lock (_lock)
        {
            return _assets.TryGetValue(publicId, out var stored) && stored.ResourceType == resourceType ? stored : null;
        }
    }

    /// <summary>Makes the uploaded file the asset's new version, unless the asset exists and may not be overwritten.</summary>
    /// <param name="deliveryBase">The delivery URL up to the cloud name, e.g. <c>http://127.0.0.1:41234/fake-cloud</c>.</param>
    /// <param name="filePath">The uploaded bytes, or null when the server discards content.</param>
    public StoreOutcome Add(string? filePath, FileDigest digest, UploadParameters parameters, string deliveryBase)
    {
        string? unused;
        StoreOutcome outcome;
        lock (_lock)
        {
            var previous = _assets.GetValueOrDefault(parameters.PublicId);
            if (previous is not null && !parameters.Overwrite)
            {
                unused = filePath;
                outcome = new StoreOutcome(previous, Overwritten: false, Existing: true);
            }
            else
            {
                var created = DateTimeOffset.UtcNow;
                // Versions are upload times in seconds, as Cloudinary's; bumped so that two uploads in one second still differ.
                var version = _lastVersion = Math.Max(created.ToUnixTimeSeconds(), _lastVersion + 1);
                var asset = new FakeCloudinaryAsset(
                    parameters.PublicId,
                    previous?.Asset.AssetId ?? Guid.NewGuid().ToString("N"),
                    version,
                    digest.Bytes,
                    digest.Sha256,
                    (previous?.Asset.UploadCount ?? 0) + 1,
                    parameters.Context,
                    $"{deliveryBase}/{parameters.ResourceType}/upload/v{version}/{EscapePath(parameters.PublicId)}")
                {
                    AssetFolder = parameters.AssetFolder,
                };
                var stored = new StoredAsset(
                    asset,
                    parameters.ResourceType,
                    Guid.NewGuid().ToString("N"),
                    created,
                    digest.Md5,
                    parameters.Tags,
                    parameters.AssetFolder,
                    parameters.OriginalFilename,
                    filePath);
                _assets[parameters.PublicId] = stored;
                unused = previous?.FilePath;
                outcome = new StoreOutcome(stored, Overwritten: previous is not null, Existing: false);
            }
        }

        // Downloads in progress keep reading a deleted file: every reader opens with FileShare.Delete.
        if (unused is not null)
        {
            File.Delete(unused);
        }

        return outcome;
    }

    /// <summary>The current bytes of an asset, or null when the account has no such asset.</summary>
    public FileStream? OpenContent(string resourceType, string publicId)
    {
        lock (_lock)
        {
            // Opened under the lock so that a concurrent upload cannot delete the file between lookup and open.
            return _assets.TryGetValue(publicId, out var stored) && stored.ResourceType == resourceType && stored.FilePath is { } path
                ? TempFolder.OpenRead(path)
                : null;
        }
    }

    private static string EscapePath(string publicId) => string.Join('/', publicId.Split('/').Select(Uri.EscapeDataString));
}
