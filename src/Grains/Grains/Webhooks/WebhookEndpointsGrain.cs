namespace UploadProxy.Grains.Webhooks;

/// <inheritdoc cref="IWebhookEndpointsGrain"/>
public sealed class WebhookEndpointsGrain : Grain, IWebhookEndpointsGrain
{
    private readonly Dictionary<string, WebhookEndpointStatus> _endpoints = new(StringComparer.Ordinal);

    public Task ReportAsync(WebhookEndpointReport report)
    {
        var known = _endpoints.GetValueOrDefault(report.Endpoint) ?? new WebhookEndpointStatus(report.Endpoint, 0, 0, 0, null, null, null);
        _endpoints[report.Endpoint] = report.Delivered
            ? known with { Delivered = known.Delivered + 1, ConsecutiveFailures = 0, LastDeliveredAt = Later(known.LastDeliveredAt, report.Time) }
            : known with
            {
                FailedAttempts = known.FailedAttempts + 1,
                ConsecutiveFailures = known.ConsecutiveFailures + 1,
                LastError = report.Error,
                LastFailedAt = Later(known.LastFailedAt, report.Time),
            };
        return Task.CompletedTask;
    }

    public Task<IReadOnlyList<WebhookEndpointStatus>> GetAsync() =>
        Task.FromResult<IReadOnlyList<WebhookEndpointStatus>>([.. _endpoints.Values.OrderBy(e => e.Endpoint, StringComparer.Ordinal)]);

    private static DateTimeOffset Later(DateTimeOffset? known, DateTimeOffset time) => known is { } k && k > time ? k : time;
}
