using System.Diagnostics.CodeAnalysis;

namespace UploadProxy.Grains.Webhooks;

/// <summary>The <c>data</c> of <c>batch.completed</c>: the batch object with its counts, as <c>GET /api/batches/{id}</c> shows them.</summary>
internal sealed record BatchEventData(
    string Id,
    int Total,
    IReadOnlyDictionary<SessionStatus, int> Counts,
    int AwaitingLink,
    int LinkFailed,
    DateTimeOffset UpdatedTime)
{
    [SuppressMessage("Naming", "CA1720:Identifier contains type name", Justification = "The contract's field name.")]
    public string Object { get; } = "batch";
}
