namespace UploadProxy.Fakes.Cloudinary;

/// <summary>What an accepted upload request asks for, already validated.</summary>
internal sealed record UploadParameters(
    string PublicId,
    string ResourceType,
    bool Overwrite,
    string? Context,
    IReadOnlyList<string> Tags,
    string AssetFolder,
    string OriginalFilename);
