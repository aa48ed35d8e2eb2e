using Microsoft.Extensions.Options;
using Polly.Timeout;
using UploadProxy.Grains;
using UploadProxy.Grains.Diagnostics;

namespace UploadProxy.Integrations.Notion;

/// <summary>
/// Waits for a slot from the cluster's <see cref="INotionRateGateGrain"/> before each Notion request, retries included,
/// then gives the request <see cref="NotionOptions.AttemptTimeout"/>: time spent queueing for a slot (minutes, in a
/// large batch) must not count against the request, or it would time out and throw its slot away. A 429 or 529 holds
/// the gate, and with it every caller on every silo, for its <c>Retry-After</c>.
/// </summary>
public sealed class NotionRateGateHandler(IGrainFactory grains, IOptions<NotionOptions> options, TimeProvider timeProvider) : DelegatingHandler
{
    // Without Retry-After, a 429 or 529 still holds everyone for a second.
    private static readonly TimeSpan DefaultHold = TimeSpan.FromSeconds(1);

    private readonly TimeSpan _attemptTimeout = options.Value.AttemptTimeout;

    // A request that wakes up this late (a stalled thread pool, a paused process) takes a new slot instead of
    // sending beside the requests of the slots that followed its own, which would be a burst.
    private readonly TimeSpan _tolerance = TimeSpan.FromSeconds(0.5 / options.Value.RequestsPerSecond);

    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        var gate = grains.GetGrain<INotionRateGateGrain>(0);
        var queued = timeProvider.GetTimestamp();
        var slot = await gate.ReserveAsync();
        while (true)
        {
            // Timers may fire a little early; a request never leaves before its slot (nor before a hold's end).
            for (var wait = slot - timeProvider.GetUtcNow(); wait > TimeSpan.Zero; wait = slot - timeProvider.GetUtcNow())
            {
                await Task.Delay(wait, timeProvider, cancellationToken);
            }

            if (timeProvider.GetUtcNow() - slot > _tolerance)
            {
                slot = await gate.ReserveAsync();
                continue;
            }

            // A hold that began while this request waited (another caller's 429) moves it past the hold.
            if (await gate.ConfirmAsync(slot) is { } later)
            {
                slot = later;
                continue;
            }

            UploadProxyMetrics.NotionQueueWait.Record(timeProvider.GetElapsedTime(queued).TotalSeconds);
            UploadProxyMetrics.NotionRequests.Add(1);
            HttpResponseMessage response;
            using (var attempt = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken))
            {
                attempt.CancelAfter(_attemptTimeout);
                try
                {
                    response = await base.SendAsync(request, attempt.Token);
                }
                catch (OperationCanceledException ex) when (!cancellationToken.IsCancellationRequested)
                {
                    throw new TimeoutRejectedException($"Notion did not answer within {_attemptTimeout}.", ex);
                }
            }

            var now = timeProvider.GetUtcNow();
            if (NotionFailurePolicy.HoldFor(response, now, DefaultHold) is { } hold)
            {
                await gate.HoldUntilAsync(now + hold);
            }

            return response;
        }
    }
}
