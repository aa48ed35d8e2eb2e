namespace UploadProxy.Grains;

/// <summary>
/// The one place in the cluster that spaces Notion requests: Orleans keeps a single activation of it, so every silo's
/// requests draw from the same schedule and the integration stays within its rate without bursts.
/// </summary>
public interface INotionRateGateGrain : IGrainWithIntegerKey
{
    /// <summary>Reserves the next free slot: the time at which the caller may send one request.</summary>
    Task<DateTimeOffset> ReserveAsync();

    /// <summary>How many reserved requests are still waiting for their slot.</summary>
    Task<int> GetQueueLengthAsync();
}
