using Microsoft.Extensions.Options;
using UploadProxy.Grains;
using UploadProxy.Persistence;

namespace UploadProxy.Gateway.Sessions;

/// <summary>The session object of the HTTP contract (snake_case on the wire).</summary>
internal sealed record SessionResource
{
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

    public static SessionResource From(UploadSessionSnapshot session, HttpRequest request)
    {
        var url = session.Storage is { } stored ? Absolute(stored.SecureUrl, request) : null;
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
            UploadUrl = UploadSessionsApi.SendPath(session.Id),
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
        };
    }

    /// <summary>
    /// Local storage reports a path the gateway serves; clients get it as an absolute URL like Cloudinary's, on
    /// <c>Standalone:PublicBaseUrl</c> as the Notion row does, never on the request's <c>Host</c>: a URL must not
    /// change with whatever host name a client sends.
    /// </summary>
    public static string Absolute(string url, HttpRequest request) =>
        url.StartsWith('/')
            ? new Uri(new Uri(request.HttpContext.RequestServices.GetRequiredService<IOptions<StandaloneOptions>>().Value.PublicBaseUrl), url).AbsoluteUri
            : url;
}

internal sealed record StorageResource(string Provider, string PublicId, string ResourceType, long Version, long Bytes, string SecureUrl);

internal sealed record NotionResource(NotionLinkStatus Status, string? PageId, string? PageUrl);

internal sealed record ErrorResource(string Code, string Message);

/// <summary>The optional body of <c>create</c>.</summary>
internal sealed record CreateSessionRequest(
    string? Filename,
    string? ContentType,
    long? ContentLength,
    string? BatchId,
    Dictionary<string, string>? Metadata);
