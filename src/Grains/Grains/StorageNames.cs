namespace UploadProxy.Grains;

public static class StorageNames
{
    /// <summary>The grain storage provider that holds upload sessions.</summary>
    public const string Sessions = "sessions";
}
