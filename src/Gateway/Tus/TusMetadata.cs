using System.Text;

namespace UploadProxy.Gateway.Tus;

/// <summary>
/// <c>Upload-Metadata</c>: comma-separated pairs of a key and its base64 value (or a key alone). The keys
/// <c>filename</c>, <c>batch_id</c> and <c>content_type</c> fill those fields of the session; the others become its
/// <c>metadata</c>, checked as <c>create</c> checks them.
/// </summary>
internal sealed record TusMetadata(string? FileName, string? BatchId, string? ContentType, Dictionary<string, string> Other)
{
    public static TusMetadata? Parse(string? header, out string? problem)
    {
        problem = null;
        var pairs = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var pair in (header ?? "").Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries))
        {
            var parts = pair.Split(' ', StringSplitOptions.RemoveEmptyEntries);
            if (parts.Length > 2 || !pairs.TryAdd(parts[0], parts.Length == 1 ? "" : Decode(parts[1]) ?? "\0"))
            {
                problem = $"Upload-Metadata has a malformed or repeated pair '{pair}'.";
                return null;
            }

            if (pairs[parts[0]] == "\0")
            {
                problem = $"Upload-Metadata '{parts[0]}' is not base64 of UTF-8 text.";
                return null;
            }
        }

        var fileName = Take(pairs, "filename");
        var batchId = Take(pairs, "batch_id");
        var contentType = Take(pairs, "content_type");
        return new TusMetadata(fileName, batchId, contentType, pairs);
    }

    private static string? Take(Dictionary<string, string> pairs, string key) =>
        pairs.Remove(key, out var value) && value.Length > 0 ? value : null;

    private static string? Decode(string base64)
    {
        try
        {
            return new UTF8Encoding(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true).GetString(Convert.FromBase64String(base64));
        }
        catch (Exception ex) when (ex is FormatException or ArgumentException)
        {
            return null;
        }
    }
}
