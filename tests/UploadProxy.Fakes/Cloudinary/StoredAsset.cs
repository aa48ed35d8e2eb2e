namespace UploadProxy.Fakes.Cloudinary;

/// <summary>An asset's current version, with what the upload response reports beyond <see cref="FakeCloudinaryAsset"/>.</summary>
internal sealed record StoredAsset(
    FakeCloudinaryAsset Asset,
    string ResourceType,
    string VersionId,
    DateTimeOffset CreatedAt,
    string Etag,
    IReadOnlyList<string> Tags,
    string AssetFolder,
    string OriginalFilename,
    string? FilePath);

/// <summary>The asset an upload left behind: a new or replaced version, or the existing one kept by <c>overwrite=false</c>.</summary>
internal sealed record StoreOutcome(StoredAsset Stored, bool Overwritten, bool Existing);
