using Orleans.Concurrency;

namespace UploadProxy.Grains;

/// <summary>
/// How each webhook endpoint has answered lately, for the dashboard: one grain for the cluster (key 0), told of every
/// attempt one-way, kept in memory only (it starts empty after its silo restarts).
/// </summary>
public interface IWebhookEndpointsGrain : IGrainWithIntegerKey
{
    [OneWay]
    Task ReportAsync(WebhookEndpointReport report);

    Task<IReadOnlyList<WebhookEndpointStatus>> GetAsync();
}

/// <param name="Endpoint">The endpoint without its query string, which may hold a token.</param>
[GenerateSerializer, Immutable]
public sealed record WebhookEndpointReport(
    [property: Id(0)] string Endpoint,
    [property: Id(1)] bool Delivered,
    [property: Id(2)] string? Error,
    [property: Id(3)] DateTimeOffset Time);

/// <param name="ConsecutiveFailures">Attempts failed since the last delivery: the endpoint is failing while above zero.</param>
[GenerateSerializer, Immutable]
public sealed record WebhookEndpointStatus(
    [property: Id(0)] string Endpoint,
    [property: Id(1)] long Delivered,
    [property: Id(2)] long FailedAttempts,
    [property: Id(3)] int ConsecutiveFailures,
    [property: Id(4)] string? LastError,
    [property: Id(5)] DateTimeOffset? LastDeliveredAt,
    [property: Id(6)] DateTimeOffset? LastFailedAt);
