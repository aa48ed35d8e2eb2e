using System.Security.Cryptography;

namespace UploadProxy.Fakes.Cloudinary;

internal sealed record FileDigest(long Bytes, string Sha256, string Md5)
{
    /// <summary>The digest of bytes the server did not keep: only their count is known.</summary>
    public static FileDigest Discarded(long bytes) => new(bytes, Sha256: "", Md5: "");

    public static async Task<FileDigest> ComputeAsync(string path)
    {
        using var sha256 = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
#pragma warning disable CA5351 // MD5 is what Cloudinary reports as the etag, not used for security.
        using var md5 = IncrementalHash.CreateHash(HashAlgorithmName.MD5);
#pragma warning restore CA5351
        await using var stream = TempFolder.OpenRead(path);
        var buffer = new byte[81920];
        long bytes = 0;
        int read;
        while ((read = await stream.ReadAsync(buffer)) > 0)
        {
            sha256.AppendData(buffer, 0, read);
            md5.AppendData(buffer, 0, read);
            bytes += read;
        }

        return new FileDigest(bytes, Convert.ToHexStringLower(sha256.GetHashAndReset()), Convert.ToHexStringLower(md5.GetHashAndReset()));
    }
}
