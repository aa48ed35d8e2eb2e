using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Extensions.Options;
using UploadProxy.Gateway.Security;
using UploadProxy.Grains;
using UploadProxy.Integrations.Webhooks;

namespace UploadProxy.Gateway.Webhooks;

/// <summary>How webhook endpoints answer, for the dashboard and for an operator's script.</summary>
internal static class WebhooksApi
{
    public static IEndpointRouteBuilder MapWebhooksApi(this IEndpointRouteBuilder app)
    {
        app.MapGet("/api/webhooks", ListAsync)
            .RequireRateLimiting(GatewaySecurityExtensions.ApiRateLimit)
            .WithTags("Webhooks")
            .WithName("ListWebhookEndpoints")
            .WithSummary("Each webhook endpoint: deliveries, failed attempts, and whether it is failing now");
        return app;
    }

    private static async Task<Ok<WebhookEndpointListResource>> ListAsync(IGrainFactory grains, IOptions<WebhookOptions> options, ShortGrainCalls calls)
    {
        var seen = (await calls.RunAsync(grains.GetGrain<IWebhookEndpointsGrain>(0).GetAsync())).ToDictionary(e => e.Endpoint, StringComparer.Ordinal);
        // Configured endpoints are listed before their first attempt; sessions' own endpoints once they have been tried.
        var configured = options.Value.Endpoints.Select(e => WebhookFailurePolicy.Describe(e.Url!.AbsoluteUri));
        var endpoints = configured.Concat(seen.Keys).Distinct(StringComparer.Ordinal)
            .Select(endpoint => WebhookEndpointResource.From(seen.GetValueOrDefault(endpoint) ?? new WebhookEndpointStatus(endpoint, 0, 0, 0, null, null, null)))
            .ToList();
        return TypedResults.Ok(new WebhookEndpointListResource(endpoints));
    }
}

internal sealed record WebhookEndpointListResource(IReadOnlyList<WebhookEndpointResource> Data)
{
    public string Object { get; } = "list";
}

/// <param name="Endpoint">Scheme, host, port and path: never the query, which may hold a token.</param>
/// <param name="Failing">The last attempt failed: events wait for it, retried with backoff.</param>
internal sealed record WebhookEndpointResource(
    string Endpoint,
    bool Failing,
    long Delivered,
    long FailedAttempts,
    int ConsecutiveFailures,
    string? LastError,
    DateTimeOffset? LastDeliveredAt,
    DateTimeOffset? LastFailedAt)
{
    public static WebhookEndpointResource From(WebhookEndpointStatus status) =>
        new(status.Endpoint, status.ConsecutiveFailures > 0, status.Delivered, status.FailedAttempts, status.ConsecutiveFailures,
            status.LastError, status.LastDeliveredAt, status.LastFailedAt);
}
