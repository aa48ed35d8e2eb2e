using System.Collections.Frozen;
using System.Security.Cryptography;
using System.Text;
using Microsoft.Extensions.Primitives;

namespace UploadProxy.Fakes.Cloudinary;

/// <summary>
/// Cloudinary's signature, written from the reference rather than shared with the product's signer, so that a bug
/// in the product's signing shows up as a 401 instead of being mirrored.
/// </summary>
internal static class CloudinarySigning
{
    // signature_algorithm is not a parameter Cloudinary takes (the account chooses the digest): a client that signs
    // it signs a string Cloudinary does not build, and gets 401.
    private static readonly FrozenSet<string> UnsignedParameters =
        new[] { "file", "cloud_name", "resource_type", "api_key", "signature", "signature_algorithm" }.ToFrozenSet(StringComparer.Ordinal);

    public static string StringToSign(IEnumerable<KeyValuePair<string, StringValues>> parameters) =>
        string.Join('&', parameters
            .Where(p => !UnsignedParameters.Contains(p.Key))
            .Select(p => (Name: p.Key, Value: p.Value.ToString()))
            .Where(p => p.Value.Length > 0)
            .OrderBy(p => p.Name, StringComparer.Ordinal)
            .Select(p => $"{p.Name}={p.Value}"));

    public static bool IsAlgorithm(string algorithm) => algorithm is "sha1" or "sha256";

    public static string Hash(string text, string algorithm)
    {
        var bytes = Encoding.UTF8.GetBytes(text);
        var hash = algorithm switch
        {
#pragma warning disable CA5350 // SHA-1 is Cloudinary's default signature algorithm; the fake must verify it.
            "sha1" => SHA1.HashData(bytes),
#pragma warning restore CA5350
            "sha256" => SHA256.HashData(bytes),
            _ => throw new ArgumentOutOfRangeException(nameof(algorithm), algorithm, "Use sha1 or sha256."),
        };
        return Convert.ToHexStringLower(hash);
    }

    /// <summary>The <c>signature</c> of an upload response, with which a client can check the answer came from the account.</summary>
    public static string ResponseSignature(string publicId, long version, string apiSecret) =>
        Hash($"public_id={publicId}&version={version}{apiSecret}", "sha1");
}
