using UploadProxy.Gateway.Sessions;
using UploadProxy.Grains;

namespace UploadProxy.Gateway.Batches;

internal sealed record BatchResource(
    string Id,
    int Total,
    IReadOnlyDictionary<SessionStatus, int> Counts,
    IReadOnlyList<BatchSessionResource>? Sessions,
    string? NextCursor,
    DateTimeOffset UpdatedTime)
{
    public string Object { get; } = "batch";

    public static BatchResource From(BatchSummary summary, IReadOnlyList<BatchSessionResource>? sessions = null, string? nextCursor = null) =>
        new(summary.Id, summary.Total, summary.Counts, sessions, nextCursor, summary.UpdatedTime);
}

internal sealed record BatchListResource(IReadOnlyList<BatchResource> Data)
{
    public string Object { get; } = "list";
}

internal sealed record BatchSessionResource(
    string Id,
    SessionStatus Status,
    string? Filename,
    long? ContentLength,
    string? Url,
    NotionLinkStatus NotionStatus,
    string? NotionPageUrl,
    string? Error)
{
    public static BatchSessionResource From(BatchSessionEntry entry, HttpRequest request) =>
        new(entry.SessionId, entry.Status, entry.FileName, entry.ContentLength,
            entry.Url is null ? null : SessionResource.Absolute(entry.Url, request),
            entry.NotionStatus, entry.NotionPageUrl, entry.Error);
}

/// <summary>One Server-Sent Event: a session of the batch changed.</summary>
internal sealed record BatchEventResource(BatchSessionResource Session, int Total, IReadOnlyDictionary<SessionStatus, int> Counts);
