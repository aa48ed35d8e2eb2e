using UploadProxy.Grains.Webhooks;

namespace UploadProxy.Grains.Batches;

/// <summary>A batch's header; its sessions are kept in pages of their own (<see cref="BatchPage"/>).</summary>
[GenerateSerializer]
public sealed record BatchState
{
    /// <summary>Sessions of a batch saved before pages existed; moved into pages when the batch is next activated.</summary>
    [Id(0)] public Dictionary<string, BatchSessionEntry> Sessions { get; init; } = [];
    [Id(1)] public long Sequence { get; set; }
    [Id(2)] public DateTimeOffset UpdatedTime { get; set; }
    [Id(3)] public int PageCount { get; set; }

    /// <summary>Stored and linked documents per minute, the last 30 minutes (<see cref="BatchThroughput"/>).</summary>
    [Id(4)] public List<BatchMinute> Throughput { get; init; } = [];

    /// <summary>Every session had ended when last seen: <c>batch.completed</c> was raised, and is raised again only after a new session joins and ends.</summary>
    [Id(5)] public bool Completed { get; set; }

    /// <summary>The batch's webhook events owed and delivered; null until the first is raised.</summary>
    [Id(6)] public WebhookLedger? Webhooks { get; set; }
}

/// <summary>
/// Up to <see cref="Capacity"/> sessions of a batch, in the order they first reported, stored as one row: a write
/// behind then costs the pages that changed, not the whole batch.
/// </summary>
[GenerateSerializer]
public sealed record BatchPage
{
    public const int Capacity = 500;

    [Id(0)] public Dictionary<string, BatchSessionEntry> Sessions { get; init; } = [];
}
