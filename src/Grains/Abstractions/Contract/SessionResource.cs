using System.Diagnostics.CodeAnalysis;

namespace UploadProxy.Grains.Contract;

/// <summary>
/// The session object of the HTTP contract (snake_case on the wire, <see cref="ApiJson"/>): what <c>create</c>,
/// <c>send</c> and <c>info</c> answer, and the <c>data</c> of every <c>session.*</c> webhook event.
/// </summary>
public sealed record SessionResource
{
    public const string BasePath = "/api/notion/upload-proxy";

    [SuppressMessage("Naming", "CA1720:Identifier contains type name", Justification = "The contract's field name.")]
    public string Object { get; } = "upload_session";
    public required string Id { get; init; }
    public required SessionStatus Status { get; init; }
    public string? Filename { get; init; }
    public required string ContentType { get; init; }
    public long? ContentLength { get; init; }
    public string? Sha256 { get; init; }
    public string? BatchId { get; init; }
    public required IReadOnlyDictionary<string, string> Metadata { get; init; }
    public required string UploadUrl { get; init; }
    public string? Url { get; init; }
    public StorageResource? Storage { get; init; }
    public required NotionResource Notion { get; init; }
    public int Attempts { get; init; }
    public ErrorResource? Error { get; init; }
    public DateTimeOffset CreatedTime { get; init; }
    public DateTimeOffset UpdatedTime { get; init; }
    public DateTimeOffset ExpiryTime { get; init; }
    public long ReceivedBytes { get; init; }
    public UploadProtocol Protocol { get; init; }
    public string? WebhookUrl { get; init; }
    public required WebhooksResource Webhooks { get; init; }

    public static string SendPath(string id) => $"{BasePath}/send/{id}";

    /// <param name="publicBaseUrl">Where the gateway serves locally stored documents (<c>Standalone:PublicBaseUrl</c>).</param>
    public static SessionResource From(UploadSessionSnapshot session, string publicBaseUrl)
    {
        var url = session.Storage is { } stored ? Absolute(stored.SecureUrl, publicBaseUrl) : null;
        return new SessionResource
        {
            Id = session.Id,
            Status = session.Status,
            Filename = session.FileName,
            ContentType = session.ContentType,
            ContentLength = session.ContentLength,
            Sha256 = session.Sha256,
            BatchId = session.BatchId,
            Metadata = session.Metadata,
            UploadUrl = SendPath(session.Id),
            Url = url,
            Storage = session.Storage is { } asset
                ? new StorageResource(asset.Provider, asset.PublicId, asset.ResourceType, asset.Version, asset.Bytes, url!)
                : null,
            Notion = new NotionResource(session.Notion.Status, session.Notion.PageId, session.Notion.PageUrl),
            Attempts = session.Attempts,
            Error = session.Error is { } error ? new ErrorResource(error.Code, error.Message) : null,
            CreatedTime = session.CreatedTime,
            UpdatedTime = session.UpdatedTime,
            ExpiryTime = session.ExpiryTime,
            ReceivedBytes = session.ReceivedBytes,
            Protocol = session.Protocol,
            WebhookUrl = session.WebhookUrl,
            Webhooks = new WebhooksResource(session.Webhooks.Delivered, session.Webhooks.Pending, session.Webhooks.Failed, session.Webhooks.LastError),
        };
    }

    /// <summary>
    /// Local storage reports a path the gateway serves; clients get it as an absolute URL like Cloudinary's, on
    /// <c>Standalone:PublicBaseUrl</c> as the Notion row does, never on a request's <c>Host</c>: a URL must not
    /// change with whatever host name a client sends.
    /// </summary>
    public static string Absolute(string url, string publicBaseUrl) =>
        url.StartsWith('/') ? new Uri(new Uri(publicBaseUrl), url).AbsoluteUri : url;
}

public sealed record StorageResource(string Provider, string PublicId, string ResourceType, long Version, long Bytes, string SecureUrl);

public sealed record NotionResource(NotionLinkStatus Status, string? PageId, string? PageUrl);

public sealed record ErrorResource(string Code, string Message);

/// <summary>The session's webhook events: delivered, still owed, given up; and the last delivery error.</summary>
public sealed record WebhooksResource(int Delivered, int Pending, int Failed, string? LastError);
