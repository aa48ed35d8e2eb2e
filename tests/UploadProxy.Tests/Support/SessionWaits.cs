using UploadProxy.Grains;

namespace UploadProxy.Tests.Support;

public static class SessionWaits
{
    /// <summary>Waits the way the gateway does: short calls, retried while a lost silo's sessions move.</summary>
    public static async Task<UploadSessionSnapshot> UntilSettledAsync(IUploadSessionGrain session, TimeSpan patience)
    {
        using var deadline = new CancellationTokenSource(patience);
        while (true)
        {
            try
            {
                var snapshot = await session.WaitWhileUploadingAsync(TimeSpan.FromSeconds(5));
                if (snapshot!.Status != SessionStatus.Uploading || deadline.IsCancellationRequested)
                {
                    return snapshot;
                }
            }
            catch (Exception ex) when (ex is OrleansException or TimeoutException && !deadline.IsCancellationRequested)
            {
                await Task.Delay(200);
            }
        }
    }
}
