using System.Security.Cryptography;
using System.Text;

namespace UploadProxy.Integrations.Webhooks;

/// <summary>Standard Webhooks signing: <c>v1,</c> and the base64 HMAC-SHA256 of <c>{id}.{timestamp}.{body}</c> under the secret's bytes.</summary>
public static class WebhookSignature
{
    private const string SecretPrefix = "whsec_";

    public static string Sign(string secret, string id, long timestamp, string body)
    {
        var key = Convert.FromBase64String(secret[SecretPrefix.Length..]);
        var mac = HMACSHA256.HashData(key, Encoding.UTF8.GetBytes($"{id}.{timestamp}.{body}"));
        return "v1," + Convert.ToBase64String(mac);
    }

    /// <summary>A <c>whsec_</c> secret whose base64 holds 24 to 64 bytes, as Standard Webhooks asks.</summary>
    public static bool IsValidSecret(string secret)
    {
        if (!secret.StartsWith(SecretPrefix, StringComparison.Ordinal))
        {
            return false;
        }

        Span<byte> bytes = stackalloc byte[128];
        return Convert.TryFromBase64String(secret[SecretPrefix.Length..], bytes, out var length) && length is >= 24 and <= 64;
    }
}
