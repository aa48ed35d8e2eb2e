namespace UploadProxy.Fakes;

/// <summary>One stored asset as the fake holds it now: its latest version, and how many uploads stored it.</summary>
public sealed record FakeCloudinaryAsset(
    string PublicId,
    string AssetId,
    long Version,
    long Bytes,
    string Sha256,
    int UploadCount,
    string? Context,
    string SecureUrl);
