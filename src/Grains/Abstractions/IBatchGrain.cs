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
    [property: Id(3)] DateTimeOffset UpdatedTime);

[GenerateSerializer, Immutable]
public sealed record BatchSnapshot(
    [property: Id(0)] BatchSummary Summary,
    [property: Id(1)] IReadOnlyList<BatchSessionEntry> Sessions,
    [property: Id(2)] long Sequence);

[GenerateSerializer, Immutable]
public sealed record BatchChange([property: Id(0)] long Sequence, [property: Id(1)] BatchSessionEntry Session);

/// <param name="Reset">True when changes the caller asked for are no longer kept: reload the whole batch.</param>
[GenerateSerializer, Immutable]
public sealed record BatchChanges(
    [property: Id(0)] IReadOnlyList<BatchChange> Changes,
    [property: Id(1)] BatchSummary? Summary,
    [property: Id(2)] bool Reset);
