namespace UploadProxy.Grains.Idempotency;

/// <summary>What an <c>Idempotency-Key</c> persists: the session it stands for, the body it was first sent with, and when.</summary>
[GenerateSerializer]
public sealed record IdempotencyState
{
    [Id(0)] public string? SessionId { get; init; }
    [Id(1)] public string? BodySha256 { get; init; }
    [Id(2)] public DateTimeOffset ClaimedTime { get; init; }
}
