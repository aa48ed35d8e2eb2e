namespace UploadProxy.Grains.Notion;

/// <summary>Waits for a slot from the cluster's <see cref="INotionRateGateGrain"/> before each Notion request, retries included.</summary>
public sealed class NotionRateGateHandler(IGrainFactory grains, TimeProvider timeProvider) : DelegatingHandler
{
    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        var wait = await grains.GetGrain<INotionRateGateGrain>(0).ReserveAsync();
        if (wait > TimeSpan.Zero)
        {
            await Task.Delay(wait, timeProvider, cancellationToken);
        }

        return await base.SendAsync(request, cancellationToken);
    }
}
