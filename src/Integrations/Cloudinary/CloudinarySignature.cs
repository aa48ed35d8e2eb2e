using System.Security.Cryptography;
using System.Text;

namespace UploadProxy.Integrations.Cloudinary;

/// <summary>Cloudinary's request signature: sorted <c>name=value</c> pairs joined by '&amp;', the secret appended, hashed.</summary>
public static class CloudinarySignature
{
    private static readonly HashSet<string> UnsignedParameters =
        new(StringComparer.Ordinal) { "file", "cloud_name", "resource_type", "api_key", "signature" };

    public static string StringToSign(IEnumerable<KeyValuePair<string, string>> parameters) =>
        string.Join('&', parameters
            .Where(p => !UnsignedParameters.Contains(p.Key) && !string.IsNullOrEmpty(p.Value))
            .OrderBy(p => p.Key, StringComparer.Ordinal)
            .Select(p => $"{p.Key}={p.Value}"));

    public static string Sign(IEnumerable<KeyValuePair<string, string>> parameters, string apiSecret, string algorithm) =>
        Hash(StringToSign(parameters) + apiSecret, algorithm);

    public static string Hash(string text, string algorithm)
    {
        var bytes = Encoding.UTF8.GetBytes(text);
        var hash = algorithm switch
        {
#pragma warning disable CA5350 // Cloudinary's default signature algorithm: an account verifies SHA-1 unless it is set to SHA-256.
            "sha1" => SHA1.HashData(bytes),
#pragma warning restore CA5350
            "sha256" => SHA256.HashData(bytes),
            _ => throw new ArgumentOutOfRangeException(nameof(algorithm), algorithm, "Use sha1 or sha256."),
        };
        return Convert.ToHexStringLower(hash);
    }
}
