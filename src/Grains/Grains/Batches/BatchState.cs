namespace UploadProxy.Grains.Batches;

[GenerateSerializer]
public sealed record BatchState
{
    [Id(0)] public Dictionary<string, BatchSessionEntry> Sessions { get; init; } = [];
    [Id(1)] public long Sequence { get; set; }
    [Id(2)] public DateTimeOffset UpdatedTime { get; set; }
}
