using System.Buffers.Text;
using System.Security.Cryptography;

namespace UploadProxy.Grains;

/// <summary>Session ids: 128 random bits, base64url without padding (22 characters).</summary>
public static class SessionId
{
    public const int Length = 22;

    public static string New()
    {
        Span<byte> bytes = stackalloc byte[16];
        RandomNumberGenerator.Fill(bytes);
        return Base64Url.EncodeToString(bytes);
    }

    public static bool IsValid(string? id) =>
        id is { Length: Length } && id.AsSpan().IndexOfAnyExcept(Alphabet) < 0;

    private static readonly System.Buffers.SearchValues<char> Alphabet =
        System.Buffers.SearchValues.Create("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_");
}
