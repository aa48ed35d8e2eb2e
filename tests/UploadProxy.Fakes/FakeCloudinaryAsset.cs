namespace UploadProxy.Fakes;

/// <summary>One stored asset as the fake holds it now: its latest version, and how many uploads stored it.</summary>
/// <param name="Sha256">Of the stored bytes; empty when the server discards content.</param>
public sealed record FakeCloudinaryAsset(
    string PublicId,
    string AssetId,
    long Version,
    long Bytes,
    string Sha256,
    int UploadCount,
    string? Context,
    string SecureUrl)
{
    /// <summary>The Media Library folder: <c>asset_folder</c> as sent (dynamic folders), else <c>folder</c>; empty at the root.</summary>
    public string AssetFolder { get; init; } = "";
}
