using UploadProxy.Gateway.Sessions;
using UploadProxy.Grains;
using UploadProxy.Integrations.Notion;

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

    /// <summary>Sessions whose Notion row is still to be written (pending, uploading, or stored and not linked yet).</summary>
    public int AwaitingLink { get; init; }

    /// <summary>Stored sessions whose Notion linking failed for good: what <c>retry-failed</c> restarts.</summary>
    public int LinkFailed { get; init; }

    /// <summary>Notion rows per second the cluster writes at most (<c>Notion:RequestsPerSecond</c>); null when linking is off.</summary>
    public double? LinkingRate { get; init; }

    /// <summary>Seconds until <see cref="AwaitingLink"/> rows are written at <see cref="LinkingRate"/>; null when linking is off.</summary>
    public long? EtaSeconds { get; init; }

    /// <summary>Stored and linked documents per minute over the last 30 minutes, oldest first; only on a single batch.</summary>
    public IReadOnlyList<BatchMinuteResource>? Throughput { get; init; }

    public static BatchResource From(BatchSummary summary, IReadOnlyList<BatchSessionResource>? sessions = null, string? nextCursor = null) =>
        new(summary.Id, summary.Total, summary.Counts, sessions, nextCursor, summary.UpdatedTime)
        {
            AwaitingLink = summary.AwaitingLink,
            LinkFailed = summary.LinkFailed,
        };

    /// <summary>One batch with its pace: the forecast of its linking and its last half hour.</summary>
    public static BatchResource From(BatchSessionsPage page, IReadOnlyList<BatchSessionResource> sessions, string? nextCursor, NotionOptions notion) =>
        From(page.Summary, sessions, nextCursor) with
        {
            LinkingRate = LinkingForecast.Rate(notion),
            EtaSeconds = LinkingForecast.EtaSeconds(page.Summary.AwaitingLink, notion),
            Throughput = [.. page.Throughput.Select(m => new BatchMinuteResource(m.Minute, m.Stored, m.Linked))],
        };
}

/// <summary>Documents that became stored, and that became linked, in the minute starting at <see cref="Minute"/>.</summary>
internal sealed record BatchMinuteResource(DateTimeOffset Minute, int Stored, int Linked);

/// <summary>The answer of <c>retry-failed</c>.</summary>
/// <param name="Restarted">Sessions whose Notion linking was started again.</param>
/// <param name="NotRestartable">Sessions whose upload failed for good: Cloudinary refused the document, so only a new session can store it.</param>
internal sealed record BatchRetryResource(int Restarted, int NotRestartable);

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
            entry.Url is null ? null : SessionResources.Absolute(entry.Url, request),
            entry.NotionStatus, entry.NotionPageUrl, entry.Error);
}

/// <summary>One Server-Sent Event: a session of the batch changed.</summary>
internal sealed record BatchEventResource(BatchSessionResource Session, int Total, IReadOnlyDictionary<SessionStatus, int> Counts)
{
    /// <summary>The batch's link queue after this change, so a dashboard keeps its ETA current without asking.</summary>
    public int AwaitingLink { get; init; }

    /// <summary>Stored sessions whose linking failed for good after this change.</summary>
    public int LinkFailed { get; init; }
}
