using System.Diagnostics.Metrics;

namespace UploadProxy.Grains.Diagnostics;

/// <summary>The product's own metrics, beside ASP.NET Core's, HttpClient's and Orleans'.</summary>
public static class UploadProxyMetrics
{
    public const string MeterName = "UploadProxy";

    private static readonly Meter Meter = new(MeterName);

    public static readonly Counter<long> SessionTransitions = Meter.CreateCounter<long>(
        "uploadproxy.sessions.transitions", "{session}", "Sessions entering a status, by status");

    public static readonly Counter<long> UploadedBytes = Meter.CreateCounter<long>(
        "uploadproxy.upload.bytes", "By", "Bytes stored permanently");

    public static readonly Histogram<double> UploadDuration = Meter.CreateHistogram<double>(
        "uploadproxy.upload.duration", "s", "Time to store one document, retries included");

    public static readonly Counter<long> Retries = Meter.CreateCounter<long>(
        "uploadproxy.retries", "{retry}", "Attempts that failed transiently and will be retried, by target");

    public static readonly Counter<long> NotionRequests = Meter.CreateCounter<long>(
        "uploadproxy.notion.requests", "{request}", "Requests sent to Notion");

    public static readonly Counter<long> WebhookDeliveries = Meter.CreateCounter<long>(
        "uploadproxy.webhooks.deliveries", "{attempt}", "Webhook delivery attempts, by outcome (delivered, retried, gone, given_up)");

    public static readonly ObservableGauge<double> WebhookOldestUndeliveredAge = Meter.CreateObservableGauge(
        "uploadproxy.webhooks.oldest_undelivered.age", () => WebhookBacklog.OldestAgeSeconds(), "s",
        "Age of the oldest webhook event not delivered yet, among the grains active in this process");

    public static readonly Histogram<double> NotionQueueWait = Meter.CreateHistogram<double>(
        "uploadproxy.notion.queue.wait", "s", "Time a Notion request waited for its slot in the cluster-wide schedule");
}
