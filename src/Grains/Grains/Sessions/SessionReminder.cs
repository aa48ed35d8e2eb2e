namespace UploadProxy.Grains.Sessions;

/// <summary>
/// A session's one durable reminder. It is due when a pending session expires, so that its batch sees it end without
/// anyone asking, and it comes back every <see cref="SessionOptions.RecoveryInterval"/> while work is left, so that a
/// session cut off by a crash or a lost silo resumes. It goes once nothing is left to do.
/// </summary>
internal sealed class SessionReminder(Grain session, TimeSpan period)
{
    public const string Name = "resume-upload";

    // The handle kept from the registration saves a read at the unregister.
    private IGrainReminder? _handle;

    /// <param name="keepHandle">
    /// False for a pending session's expiry reminder: such a session may sit idle for its whole lifetime, and most go on
    /// to an accept that registers again; the rare unregister without a handle reads the reminder first.
    /// </param>
    public async Task RegisterAsync(TimeSpan? dueTime = null, bool keepHandle = true)
    {
        var handle = await session.RegisterOrUpdateReminder(Name, dueTime ?? period, period);
        _handle = keepHandle ? handle : null;
    }

    public async Task UnregisterAsync()
    {
        var known = _handle;
        _handle = null;
        // Should the unregister fail, the next try reads the reminder afresh.
        if ((known ?? await session.GetReminder(Name)) is { } reminder)
        {
            await session.UnregisterReminder(reminder);
        }
    }
}
