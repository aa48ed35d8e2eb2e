namespace UploadProxy.Fakes;

/// <summary>One request the fake received, in order: an upload (a whole file or one chunk) or an Admin API lookup.</summary>
/// <param name="Kind"><c>upload</c>, <c>chunk</c> or <c>lookup</c>.</param>
/// <param name="PublicId">The public id it named, with its folder; null when it named none.</param>
/// <param name="StatusCode">What the fake answered; 0 when it answered nothing (the connection was dropped).</param>
/// <param name="Stored">Whether it made a new version of an asset.</param>
public sealed record FakeCloudinaryRequest(string Kind, string? PublicId, int StatusCode, bool Stored);
