using System.Runtime.InteropServices;

namespace UploadProxy.Fakes;

internal static class StopSignal
{
    /// <summary>Completes on Ctrl+C or SIGTERM.</summary>
    public static async Task WaitAsync()
    {
        var stop = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        using var interrupt = PosixSignalRegistration.Create(PosixSignal.SIGINT, Stop);
        using var terminate = PosixSignalRegistration.Create(PosixSignal.SIGTERM, Stop);
        await stop.Task;

        void Stop(PosixSignalContext context)
        {
            context.Cancel = true;
            stop.TrySetResult();
        }
    }
}
