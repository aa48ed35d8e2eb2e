namespace UploadProxy.Integrations.Cloudinary;

/// <summary>
/// Keeps the process off the Admin API while Cloudinary has said it is over its hourly allowance: one rate-limited
/// answer closes the gate until the time it gave, so every session that needs a lookup meanwhile waits instead of
/// asking again.
/// </summary>
internal sealed class CloudinaryAdminGate(TimeProvider timeProvider)
{
    private long _closedUntilTicks;

    /// <summary>How long lookups must still wait; zero when the gate is open.</summary>
    public TimeSpan Wait
    {
        get
        {
            var left = new DateTimeOffset(Interlocked.Read(ref _closedUntilTicks), TimeSpan.Zero) - timeProvider.GetUtcNow();
            return left > TimeSpan.Zero ? left : TimeSpan.Zero;
        }
    }

    public void CloseUntil(DateTimeOffset until)
    {
        var ticks = until.UtcTicks;
        var current = Interlocked.Read(ref _closedUntilTicks);
        while (ticks > current)
        {
            var seen = Interlocked.CompareExchange(ref _closedUntilTicks, ticks, current);
            if (seen == current)
            {
                return;
            }

            current = seen;
        }
    }
}
