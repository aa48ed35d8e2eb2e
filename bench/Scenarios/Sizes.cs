namespace UploadProxy.Bench.Scenarios;

/// <summary>Document sizes; a "MB" in the table is 2^20 bytes throughout.</summary>
internal static class Sizes
{
    public const long Megabyte = 1024 * 1024;

    public static double Megabytes(double bytes) => bytes / Megabyte;
}
