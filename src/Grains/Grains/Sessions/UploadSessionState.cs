using UploadProxy.Grains.Webhooks;

namespace UploadProxy.Grains.Sessions;

/// <summary>What an upload session persists; every transition (<see cref="SessionLifecycle"/>) is written before the outside call it allows.</summary>
[GenerateSerializer]
public sealed record UploadSessionState
{
    [Id(0)] public SessionStatus Status { get; init; }
    [Id(1)] public string? FileName { get; init; }
    [Id(2)] public string ContentType { get; init; } = "application/pdf";
    [Id(3)] public long? DeclaredLength { get; init; }
    [Id(4)] public string? BatchId { get; init; }
    [Id(5)] public Dictionary<string, string> Metadata { get; init; } = [];

    /// <summary>The <c>{unix-ms}-{random}</c> part of the public id, fixed at create.</summary>
    [Id(6)] public string PublicIdPrefix { get; init; } = "";

    /// <summary>The whole public id, fixed when the document is accepted and before any upload.</summary>
    [Id(7)] public string? PublicId { get; init; }

    [Id(8)] public string? Sha256 { get; init; }
    [Id(9)] public long? Length { get; init; }

    /// <summary>Where the bytes wait until they are stored; null once they are no longer needed.</summary>
    [Id(10)] public string? StagingKey { get; init; }

    /// <summary>The <c>X-Unique-Upload-Id</c> of a chunked upload, kept so a resumed upload continues the same one.</summary>
    [Id(11)] public string? ChunkedUploadId { get; init; }

    [Id(12)] public StoredAsset? Storage { get; init; }
    // A new instance per state, never a shared one: a serializer that fills existing objects in place would
    // otherwise write one session's link into every other session's default.
    [Id(13)] public NotionLink Notion { get; init; } = new(NotionLinkStatus.Disabled, null, null);
    [Id(14)] public int Attempts { get; init; }
    [Id(15)] public SessionError? Error { get; init; }
    [Id(16)] public DateTimeOffset CreatedTime { get; init; }
    [Id(17)] public DateTimeOffset UpdatedTime { get; init; }
    [Id(18)] public DateTimeOffset ExpiryTime { get; init; }
    [Id(19)] public DateTimeOffset? UploadedTime { get; init; }

    /// <summary>From the PDF itself, read before the staged bytes are deleted; null when it could not be parsed.</summary>
    [Id(20)] public int? PageCount { get; init; }

    [Id(21)] public string? TextExcerpt { get; init; }

    /// <summary>
    /// Set before a Notion row is created and cleared once the outcome is known: while set, a row may exist that the
    /// session has not recorded, so linking looks it up before creating another.
    /// </summary>
    [Id(22)] public DateTimeOffset? NotionCreateAttemptedAt { get; init; }

    /// <summary>
    /// When the create attempt of <see cref="NotionCreateAttemptedAt"/> ended without a known outcome: when the client
    /// gave up (a timeout, a lost connection), or, after a crash, when the session resumed. Notion's query index lag
    /// counts from here, so a lookup's "not found" is trusted only <c>Notion:QueryIndexLag</c> after it.
    /// </summary>
    [Id(23)] public DateTimeOffset? NotionCreateEndedAt { get; init; }

    /// <summary>Set in the write that records the upload, before the PDF is read: found set on activation, the reading never ended.</summary>
    [Id(24)] public DateTimeOffset? InspectionStartedAt { get; init; }

    /// <summary>Why the row lacks the PDF's facts, shown as the session's error once nothing else is wrong.</summary>
    [Id(25)] public SessionError? InspectionError { get; init; }

    /// <summary>Send for sessions saved before tus existed.</summary>
    [Id(26)] public UploadProtocol Protocol { get; init; }

    /// <summary>A tus upload's acknowledged offset: its bytes are durable in the part store up to here.</summary>
    [Id(27)] public long ReceivedBytes { get; init; }

    /// <summary>The session's own webhook endpoint, given at create.</summary>
    [Id(28)] public string? WebhookUrl { get; init; }

    /// <summary>Webhook events owed and delivered; null until the first is raised. Changed only by the session's outbox and its transitions.</summary>
    [Id(29)] public WebhookLedger? Webhooks { get; init; }
}
