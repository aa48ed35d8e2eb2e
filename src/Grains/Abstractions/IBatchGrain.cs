using Orleans.Concurrency;

namespace UploadProxy.Grains;

/// <summary>
/// One batch: the sessions created with its <c>batch_id</c>, as they last reported themselves. It answers a batch's
/// summary without calling its sessions, and numbers every change so that watchers can follow and resume.
/// </summary>
public interface IBatchGrain : IGrainWithStringKey
{
    /// <summary>Records a session's latest state; an older report than the one held is ignored.</summary>
    [OneWay]
    Task TrackAsync(BatchSessionEntry entry);

    /// <summary>The batch as it stands, or null when no session ever reported to it.</summary>
    Task<BatchSnapshot?> GetAsync();

    /// <summary>Changes after <paramref name="afterSequence"/>; waits up to <paramref name="maxWait"/> for the first one.</summary>
    Task<BatchChanges> ReadChangesAsync(long afterSequence, TimeSpan maxWait);

    /// <summary>
    /// Holds a place for a session about to be created with this batch, so that the batch never counts more than
    /// <paramref name="maxSessions"/>: false when it is full. The batch is the one owner of its count, and checks and
    /// holds in one turn, so concurrent creates cannot pass the bound together.
    /// </summary>
    Task<bool> TryReserveAsync(string sessionId, int maxSessions);

    /// <summary>
    /// One page of the batch's sessions in the order they joined it, with its summary; null when no session ever
    /// reported to it. Answered here so that a large batch is never shipped whole to the gateway.
    /// </summary>
    Task<BatchSessionsPage?> GetPageAsync(BatchPageQuery query);

    /// <summary>
    /// The sessions whose Notion linking failed for good, in join order, for a retry of them all; null when no session
    /// ever reported to it. Ids only: the gateway restarts each session itself, in calls of its own.
    /// </summary>
    Task<IReadOnlyList<string>?> GetFailedLinksAsync();
}

/// <summary>The batches seen lately, for the dashboard's list.</summary>
public interface IBatchDirectoryGrain : IGrainWithIntegerKey
{
    [OneWay]
    Task UpdateAsync(BatchSummary summary);

    Task<IReadOnlyList<BatchSummary>> ListAsync();
}

[GenerateSerializer, Immutable]
public sealed record BatchSessionEntry
{
    [Id(0)] public required string SessionId { get; init; }
    [Id(1)] public required SessionStatus Status { get; init; }
    [Id(2)] public string? FileName { get; init; }
    [Id(3)] public long? ContentLength { get; init; }
    [Id(4)] public string? Url { get; init; }
    [Id(5)] public NotionLinkStatus NotionStatus { get; init; }
    [Id(6)] public string? NotionPageUrl { get; init; }
    [Id(7)] public string? Error { get; init; }
    [Id(8)] public DateTimeOffset UpdatedTime { get; init; }
}

[GenerateSerializer, Immutable]
public sealed record BatchSummary(
    [property: Id(0)] string Id,
    [property: Id(1)] int Total,
    [property: Id(2)] IReadOnlyDictionary<SessionStatus, int> Counts,
    [property: Id(3)] DateTimeOffset UpdatedTime)
{
    /// <summary>Sessions Notion linking still has to write a row for: pending or uploading, or stored and not linked yet.</summary>
    [Id(4)] public int AwaitingLink { get; init; }

    /// <summary>Sessions whose document is stored but whose Notion linking failed for good: what "retry all failed" restarts.</summary>
    [Id(5)] public int LinkFailed { get; init; }
}

/// <summary>Documents of a batch that became stored, and that became linked, during one minute.</summary>
/// <param name="Minute">The minute's start, UTC.</param>
[GenerateSerializer, Immutable]
public sealed record BatchMinute(
    [property: Id(0)] DateTimeOffset Minute,
    [property: Id(1)] int Stored,
    [property: Id(2)] int Linked);

[GenerateSerializer, Immutable]
public sealed record BatchSnapshot(
    [property: Id(0)] BatchSummary Summary,
    [property: Id(1)] IReadOnlyList<BatchSessionEntry> Sessions,
    [property: Id(2)] long Sequence);

/// <param name="Position">Where the page starts in the batch's join order (what a cursor holds).</param>
/// <param name="Limit">Sessions on the page at most; 0 answers the summary alone.</param>
/// <param name="Status">Only sessions in this status; null for all.</param>
[GenerateSerializer, Immutable]
public sealed record BatchPageQuery(
    [property: Id(0)] int Position,
    [property: Id(1)] int Limit,
    [property: Id(2)] SessionStatus? Status);

/// <param name="NextPosition">Where the next page starts; null when no session in the asked status is left.</param>
/// <param name="Sequence">The batch's last change, for a watcher that reloads it and follows on from there.</param>
[GenerateSerializer, Immutable]
public sealed record BatchSessionsPage(
    [property: Id(0)] BatchSummary Summary,
    [property: Id(1)] IReadOnlyList<BatchSessionEntry> Sessions,
    [property: Id(2)] int? NextPosition,
    [property: Id(3)] long Sequence)
{
    /// <summary>The last 30 minutes, oldest first, one entry per minute even when nothing happened in it.</summary>
    [Id(4)] public IReadOnlyList<BatchMinute> Throughput { get; init; } = [];
}

[GenerateSerializer, Immutable]
public sealed record BatchChange([property: Id(0)] long Sequence, [property: Id(1)] BatchSessionEntry Session);

/// <param name="Reset">True when changes the caller asked for are no longer kept: reload the whole batch.</param>
[GenerateSerializer, Immutable]
public sealed record BatchChanges(
    [property: Id(0)] IReadOnlyList<BatchChange> Changes,
    [property: Id(1)] BatchSummary? Summary,
    [property: Id(2)] bool Reset);
