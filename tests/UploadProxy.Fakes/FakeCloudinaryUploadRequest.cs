namespace UploadProxy.Fakes;

/// <summary>An upload request as the fake received it, once its form was read: before it was held, failed or stored.</summary>
/// <param name="PublicId">The public id the request asked for, folder included; null when it asked for none.</param>
/// <param name="ReceivedAt">When its form had been read, before any answer: an attempt's answer always comes after it.</param>
public sealed record FakeCloudinaryUploadRequest(string? PublicId, DateTimeOffset ReceivedAt);
