using System.Diagnostics;
using UploadProxy.Grains;

namespace UploadProxy.Tests.Support;

public static class SessionWaits
{
    /// <summary>
    /// Waits the way the gateway does: short calls, retried while a lost silo's sessions move. Fails the test if the
    /// session is still uploading at the deadline.
    /// </summary>
    public static async Task<UploadSessionSnapshot> UntilSettledAsync(IUploadSessionGrain session, TimeSpan patience)
    {
        var clock = Stopwatch.StartNew();
        UploadSessionSnapshot? last = null;
        while (clock.Elapsed < patience)
        {
            try
            {
                last = await session.WaitWhileUploadingAsync(TimeSpan.FromSeconds(5));
                if (last!.Status != SessionStatus.Uploading)
                {
                    return last;
                }
            }
            catch (Exception ex) when (ex is OrleansException or TimeoutException)
            {
                await Task.Delay(200);
            }
        }

        throw new TimeoutException($"Session {session.GetPrimaryKeyString()} was still uploading after {patience.TotalSeconds:0} s: {last}");
    }
}
