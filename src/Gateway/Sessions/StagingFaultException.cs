using System.Data.Common;

namespace UploadProxy.Gateway.Sessions;

/// <summary>
/// The gateway's own staging store failed (disk full, database down) while it took a document. Raised apart from the
/// errors of the client's stream, so that a local fault is never answered as a malformed request nor shows a path.
/// </summary>
internal sealed class StagingFaultException(bool diskFull, Exception inner) : Exception("The staging store failed.", inner)
{
    // ENOSPC on Linux and macOS; ERROR_DISK_FULL and ERROR_HANDLE_DISK_FULL on Windows.
    private const int NoSpaceOnUnix = 28;
    private const int DiskFullOnWindows = unchecked((int)0x80070070);
    private const int HandleDiskFullOnWindows = unchecked((int)0x80070027);

    /// <summary>The store has no room left: answered 507, not 503.</summary>
    public bool DiskFull { get; } = diskFull;

    public static bool IsStorageFault(Exception exception) => exception is IOException or DbException or UnauthorizedAccessException;

    public static StagingFaultException From(Exception exception) =>
        new(exception is IOException { HResult: NoSpaceOnUnix or DiskFullOnWindows or HandleDiskFullOnWindows }, exception);
}
