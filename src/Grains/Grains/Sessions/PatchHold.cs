namespace UploadProxy.Grains.Sessions;

/// <summary>
/// Which tus PATCH may write a session's bytes now: one at a time, so two never interleave. It is a lease, kept in the
/// activation only: a gateway that dies mid-PATCH holds the upload until the lease runs out, never forever, and a new
/// activation (a lost silo) starts with the upload free, its saved offset still the truth.
/// </summary>
internal sealed class PatchHold(TimeProvider timeProvider)
{
    private Guid _lease;
    private long _from;
    private DateTimeOffset _until;

    private bool IsHeld => _lease != Guid.Empty && timeProvider.GetUtcNow() < _until;

    /// <summary>Takes the hold for a PATCH starting at <paramref name="from"/>; <see cref="Guid.Empty"/> while another PATCH has it.</summary>
    public Guid TryTake(long from, TimeSpan duration)
    {
        if (IsHeld)
        {
            return Guid.Empty;
        }

        (_lease, _from, _until) = (Guid.NewGuid(), from, timeProvider.GetUtcNow() + duration);
        return _lease;
    }

    public bool TryRenew(Guid lease, TimeSpan duration)
    {
        if (lease != _lease || !IsHeld)
        {
            return false;
        }

        _until = timeProvider.GetUtcNow() + duration;
        return true;
    }

    /// <summary>
    /// Whether a PATCH that began at <paramref name="from"/> may commit: it holds the hold, or nobody does (it began on an
    /// activation since lost, or its lease ran out unclaimed), the offset check being the session's.
    /// </summary>
    public bool MayCommit(Guid lease, long from) => lease == _lease ? _from == from : !IsHeld;

    public void Release(Guid lease)
    {
        if (lease == _lease)
        {
            _lease = Guid.Empty;
        }
    }

    public void Clear() => _lease = Guid.Empty;
}
