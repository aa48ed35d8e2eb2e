using System.Security.Cryptography;

namespace UploadProxy.Gateway.Tus;

/// <summary><c>Upload-Checksum: {algorithm} {base64 digest}</c> of one PATCH's body, checked before any of it is kept.</summary>
internal sealed class TusChecksum : IDisposable
{
    private readonly IncrementalHash _hash;
    private readonly byte[] _expected;

    private TusChecksum(IncrementalHash hash, byte[] expected) => (_hash, _expected) = (hash, expected);

    /// <summary>Null (and no problem) when the header is absent; a problem when it names an algorithm not offered or is malformed.</summary>
    public static TusChecksum? Parse(string? header, out string? problem)
    {
        problem = null;
        if (string.IsNullOrEmpty(header))
        {
            return null;
        }

        var parts = header.Split(' ', StringSplitOptions.RemoveEmptyEntries);
        HashAlgorithmName? algorithm = parts.Length == 2 ? parts[0].ToLowerInvariant() switch
        {
            "sha1" => HashAlgorithmName.SHA1,
            "sha256" => HashAlgorithmName.SHA256,
            "md5" => HashAlgorithmName.MD5,
            _ => null,
        } : null;
        if (algorithm is null)
        {
            problem = $"Upload-Checksum must be '<algorithm> <base64 digest>' with an algorithm of {TusProtocol.ChecksumAlgorithms}.";
            return null;
        }

        try
        {
            return new TusChecksum(IncrementalHash.CreateHash(algorithm.Value), Convert.FromBase64String(parts[1]));
        }
        catch (FormatException)
        {
            problem = "Upload-Checksum's digest is not base64.";
            return null;
        }
    }

    public void Append(ReadOnlySpan<byte> data) => _hash.AppendData(data);

    public bool Matches() => CryptographicOperations.FixedTimeEquals(_hash.GetHashAndReset(), _expected);

    public void Dispose() => _hash.Dispose();
}
