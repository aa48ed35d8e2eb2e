namespace UploadProxy.Fakes;

/// <summary>An upload request the fake refused, injected failures included.</summary>
public sealed record FakeCloudinaryRejection(int StatusCode, string Message);
