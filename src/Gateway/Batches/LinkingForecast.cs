using UploadProxy.Integrations.Notion;

namespace UploadProxy.Gateway.Batches;

/// <summary>
/// How long Notion linking of a batch still takes at the configured pace: each document costs one row, and the cluster
/// writes at most <see cref="NotionOptions.RequestsPerSecond"/> of them, so the queue alone gives the operator the
/// answer up front (10 000 documents at 3 rows/s: 56 minutes), before any throughput could be measured.
/// </summary>
internal static class LinkingForecast
{
    /// <summary>Rows per second, or null when Notion linking is off.</summary>
    public static double? Rate(NotionOptions notion) => notion.IsConfigured ? notion.RequestsPerSecond : null;

    /// <summary>
    /// Seconds until the last of <paramref name="awaitingLink"/> rows is written, or null when linking is off. A lower
    /// bound: the rate is the whole cluster's, shared with other batches, and a retried request takes a slot again.
    /// </summary>
    public static long? EtaSeconds(int awaitingLink, NotionOptions notion) =>
        Rate(notion) is { } rate ? (long)Math.Ceiling(awaitingLink / rate) : null;
}
