using Microsoft.Extensions.Options;
using UploadProxy.Integrations.Notion;

namespace UploadProxy.Grains.RateGate;

/// <summary>
/// Hands out evenly spaced slots at <see cref="NotionOptions.RequestsPerSecond"/>; a slot is never given twice. A hold
/// (Notion's <c>Retry-After</c>, received by any caller on any silo) moves every slot not yet used past its end.
/// </summary>
public sealed class NotionRateGateGrain(IOptions<NotionOptions> options, TimeProvider timeProvider) : Grain, INotionRateGateGrain
{
    private readonly TimeSpan _interval = TimeSpan.FromSeconds(1 / options.Value.RequestsPerSecond);
    private DateTimeOffset _nextSlot = DateTimeOffset.MinValue;
    private DateTimeOffset _heldUntil = DateTimeOffset.MinValue;

    public Task<DateTimeOffset> ReserveAsync() => Task.FromResult(Reserve());

    // A slot reserved after the hold began is never inside it; one reserved before and falling inside it is given up.
    public Task<DateTimeOffset?> ConfirmAsync(DateTimeOffset slot) =>
        Task.FromResult<DateTimeOffset?>(slot < _heldUntil ? Reserve() : null);

    public Task HoldUntilAsync(DateTimeOffset until)
    {
        if (until > _heldUntil)
        {
            _heldUntil = until;
        }

        return Task.CompletedTask;
    }

    public Task<int> GetQueueLengthAsync()
    {
        var ahead = _nextSlot - timeProvider.GetUtcNow();
        return Task.FromResult(ahead <= TimeSpan.Zero ? 0 : (int)Math.Ceiling(ahead / _interval));
    }

    private DateTimeOffset Reserve()
    {
        var now = timeProvider.GetUtcNow();
        var slot = _nextSlot > now ? _nextSlot : now;
        slot = slot > _heldUntil ? slot : _heldUntil;
        _nextSlot = slot + _interval;
        return slot;
    }
}
