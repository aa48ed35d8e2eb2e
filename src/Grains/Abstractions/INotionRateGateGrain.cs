namespace UploadProxy.Grains;

/// <summary>
/// The one place in the cluster that spaces Notion requests: Orleans keeps a single activation of it, so every silo's
/// requests draw from the same schedule and the integration stays within its rate without bursts.
/// </summary>
public interface INotionRateGateGrain : IGrainWithIntegerKey
{
    /// <summary>Reserves the next free slot: the time at which the caller may send one request.</summary>
    Task<DateTimeOffset> ReserveAsync();

    /// <summary>
    /// Asked at a slot's time, just before sending: null when the request may go, or a new slot when a hold began
    /// since the slot was reserved (the old slot is given up).
    /// </summary>
    Task<DateTimeOffset?> ConfirmAsync(DateTimeOffset slot);

    /// <summary>Holds every caller until <paramref name="until"/>: Notion answered 429 or 529 with that <c>Retry-After</c>.</summary>
    Task HoldUntilAsync(DateTimeOffset until);

    /// <summary>How many reserved requests are still waiting for their slot.</summary>
    Task<int> GetQueueLengthAsync();
}
