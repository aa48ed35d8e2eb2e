using System.Security.Cryptography;

namespace UploadProxy.Cli.Upload;

internal static class FileDigest
{
    /// <summary>The lowercase hex SHA-256 of a file, read in a stream so that size does not matter.</summary>
    public static async Task<string> Sha256Async(FileInfo file, CancellationToken cancellationToken)
    {
        await using var stream = new FileStream(
            file.FullName, FileMode.Open, FileAccess.Read, FileShare.Read, bufferSize: 0, FileOptions.Asynchronous | FileOptions.SequentialScan);
        var hash = await SHA256.HashDataAsync(stream, cancellationToken);
        return Convert.ToHexStringLower(hash);
    }
}
