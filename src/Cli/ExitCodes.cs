namespace UploadProxy.Cli;

internal static class ExitCodes
{
    public const int Success = 0;

    /// <summary>Some files were not stored, or the gateway could not answer.</summary>
    public const int Failed = 1;

    public const int Usage = 2;

    /// <summary>128 + SIGINT, as shells report a process stopped by Ctrl+C.</summary>
    public const int Interrupted = 130;
}
