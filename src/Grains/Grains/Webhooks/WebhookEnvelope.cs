using System.Text.Json;
using UploadProxy.Grains.Contract;

namespace UploadProxy.Grains.Webhooks;

/// <summary>An event's body: <c>{"type", "timestamp", "data"}</c> in the contract's JSON.</summary>
internal sealed record WebhookEnvelope<TData>(string Type, DateTimeOffset Timestamp, TData Data)
{
    public string ToJson() => JsonSerializer.Serialize(this, ApiJson.Options);
}
