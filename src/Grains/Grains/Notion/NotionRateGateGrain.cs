using Microsoft.Extensions.Options;

namespace UploadProxy.Grains.Notion;

/// <summary>Hands out evenly spaced slots at <see cref="NotionOptions.RequestsPerSecond"/>; a slot is never given twice.</summary>
public sealed class NotionRateGateGrain(IOptions<NotionOptions> options, TimeProvider timeProvider) : Grain, INotionRateGateGrain
{
    private readonly TimeSpan _interval = TimeSpan.FromSeconds(1 / options.Value.RequestsPerSecond);
    private DateTimeOffset _nextSlot = DateTimeOffset.MinValue;

    public Task<DateTimeOffset> ReserveAsync()
    {
        var now = timeProvider.GetUtcNow();
        var slot = _nextSlot > now ? _nextSlot : now;
        _nextSlot = slot + _interval;
        return Task.FromResult(slot);
    }

    public Task<int> GetQueueLengthAsync()
    {
        var ahead = _nextSlot - timeProvider.GetUtcNow();
        return Task.FromResult(ahead <= TimeSpan.Zero ? 0 : (int)Math.Ceiling(ahead / _interval));
    }
}
