namespace UploadProxy.Fakes;

/// <summary>A request the fake received, refused ones included.</summary>
/// <param name="Time">When it arrived.</param>
/// <param name="Status">The status answered; 0 while unanswered, or when the connection was dropped without an answer.</param>
public sealed record FakeNotionRequest(DateTimeOffset Time, string Method, string Path, int Status);
