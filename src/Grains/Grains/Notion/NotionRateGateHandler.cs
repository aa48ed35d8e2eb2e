using Microsoft.Extensions.Options;
using UploadProxy.Grains.Hosting;

namespace UploadProxy.Grains.Notion;

/// <summary>Waits for a slot from the cluster's <see cref="INotionRateGateGrain"/> before each Notion request, retries included.</summary>
public sealed class NotionRateGateHandler(IGrainFactory grains, IOptions<NotionOptions> options, TimeProvider timeProvider) : DelegatingHandler
{
    // A request that wakes up this late (a stalled thread pool, a paused process) takes a new slot instead of
    // sending beside the requests of the slots that followed its own, which would be a burst.
    private readonly TimeSpan _tolerance = TimeSpan.FromSeconds(0.5 / options.Value.RequestsPerSecond);

    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        var gate = grains.GetGrain<INotionRateGateGrain>(0);
        var queued = timeProvider.GetTimestamp();
        while (true)
        {
            var slot = await gate.ReserveAsync();
            var wait = slot - timeProvider.GetUtcNow();
            if (wait > TimeSpan.Zero)
            {
                await Task.Delay(wait, timeProvider, cancellationToken);
            }

            if (timeProvider.GetUtcNow() - slot <= _tolerance)
            {
                UploadProxyMetrics.NotionQueueWait.Record(timeProvider.GetElapsedTime(queued).TotalSeconds);
                UploadProxyMetrics.NotionRequests.Add(1);
                return await base.SendAsync(request, cancellationToken);
            }
        }
    }
}
