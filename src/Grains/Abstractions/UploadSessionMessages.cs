namespace UploadProxy.Grains;

[GenerateSerializer]
public enum SessionStatus
{
    Pending,
    Uploading,
    Uploaded,
    Linked,
    Failed,
    Expired,
}

[GenerateSerializer]
public enum NotionLinkStatus
{
    Disabled,
    Pending,
    Linked,
    Failed,
}

[GenerateSerializer]
public enum SendOutcome
{
    /// <summary>The document was taken; the upload has started.</summary>
    Accepted,

    /// <summary>The same bytes were sent before: a safe retry.</summary>
    AlreadyAccepted,

    /// <summary>The session holds other bytes.</summary>
    Conflict,

    NotFound,
    Expired,

    /// <summary>The bytes do not match the length declared at create.</summary>
    LengthMismatch,
}

/// <summary>How the session's document comes: whole, by <c>send</c>; or in pieces, by tus PATCHes.</summary>
[GenerateSerializer]
public enum UploadProtocol
{
    Send,
    Tus,
}

[GenerateSerializer, Immutable]
public sealed record CreateSessionCommand
{
    [Id(0)] public string? FileName { get; init; }
    [Id(1)] public string ContentType { get; init; } = "application/pdf";
    [Id(2)] public long? ContentLength { get; init; }
    [Id(3)] public string? BatchId { get; init; }
    [Id(4)] public IReadOnlyDictionary<string, string> Metadata { get; init; } = new Dictionary<string, string>();
    [Id(5)] public UploadProtocol Protocol { get; init; }

    /// <summary>Where this session's webhook events also go; its host is one of <c>Webhooks:AllowedHosts</c>.</summary>
    [Id(6)] public string? WebhookUrl { get; init; }
}

/// <summary>A document whose bytes are already durable in the staging store.</summary>
[GenerateSerializer, Immutable]
public sealed record StagedDocument(
    [property: Id(0)] string Sha256,
    [property: Id(1)] long Length,
    [property: Id(2)] string StagingKey,
    [property: Id(3)] string? FileName);

/// <param name="StagedBytesInUse">False when the session does not need the staged bytes it was sent, so the sender deletes them.</param>
[GenerateSerializer, Immutable]
public sealed record SendResult(
    [property: Id(0)] SendOutcome Outcome,
    [property: Id(1)] UploadSessionSnapshot? Session,
    [property: Id(2)] bool StagedBytesInUse);

[GenerateSerializer, Immutable]
public sealed record SessionError([property: Id(0)] string Code, [property: Id(1)] string Message);

[GenerateSerializer, Immutable]
public sealed record StoredAsset
{
    [Id(0)] public required string Provider { get; init; }
    [Id(1)] public required string PublicId { get; init; }
    [Id(2)] public string ResourceType { get; init; } = "raw";
    [Id(3)] public long Version { get; init; }
    [Id(4)] public long Bytes { get; init; }

    /// <summary>The permanent URL; for local storage a path the gateway serves, made absolute when shown.</summary>
    [Id(5)] public required string SecureUrl { get; init; }
    [Id(6)] public string? AssetId { get; init; }
}

[GenerateSerializer, Immutable]
public sealed record NotionLink(
    [property: Id(0)] NotionLinkStatus Status,
    [property: Id(1)] string? PageId,
    [property: Id(2)] string? PageUrl)
{
    public static NotionLink Disabled { get; } = new(NotionLinkStatus.Disabled, null, null);
}

/// <summary>The session as callers see it.</summary>
[GenerateSerializer, Immutable]
public sealed record UploadSessionSnapshot
{
    [Id(0)] public required string Id { get; init; }
    [Id(1)] public required SessionStatus Status { get; init; }
    [Id(2)] public string? FileName { get; init; }
    [Id(3)] public required string ContentType { get; init; }
    [Id(4)] public long? ContentLength { get; init; }
    [Id(5)] public string? Sha256 { get; init; }
    [Id(6)] public string? BatchId { get; init; }
    [Id(7)] public required IReadOnlyDictionary<string, string> Metadata { get; init; }
    [Id(8)] public StoredAsset? Storage { get; init; }
    [Id(9)] public required NotionLink Notion { get; init; }
    [Id(10)] public int Attempts { get; init; }
    [Id(11)] public SessionError? Error { get; init; }
    [Id(12)] public DateTimeOffset CreatedTime { get; init; }
    [Id(13)] public DateTimeOffset UpdatedTime { get; init; }
    [Id(14)] public DateTimeOffset ExpiryTime { get; init; }

    /// <summary>The public id planned before any upload, so that a retry overwrites the same asset.</summary>
    [Id(15)] public string? PublicId { get; init; }

    /// <summary>Pages of the PDF, where it could be read.</summary>
    [Id(16)] public int? PageCount { get; init; }

    /// <summary>Bytes durably received: a tus upload's acknowledged offset, or the whole document once it is in.</summary>
    [Id(17)] public long ReceivedBytes { get; init; }

    [Id(18)] public UploadProtocol Protocol { get; init; }

    [Id(19)] public string? WebhookUrl { get; init; }

    [Id(20)] public WebhookCounts Webhooks { get; init; } = new(0, 0, 0, null);
}

/// <summary>A session's webhook events: delivered, still owed, given up; and the last delivery error.</summary>
[GenerateSerializer, Immutable]
public sealed record WebhookCounts(
    [property: Id(0)] int Delivered,
    [property: Id(1)] int Pending,
    [property: Id(2)] int Failed,
    [property: Id(3)] string? LastError);
