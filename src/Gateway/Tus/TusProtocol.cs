using System.Globalization;

namespace UploadProxy.Gateway.Tus;

/// <summary>The names and values of tus 1.0.0 (tus.io/protocols/resumable-upload) this gateway speaks.</summary>
internal static class TusProtocol
{
    public const string BasePath = "/api/tus";
    public const string Version = "1.0.0";
    public const string Extensions = "creation,creation-with-upload,creation-defer-length,termination,expiration,checksum";
    public const string ChecksumAlgorithms = "sha1,sha256,md5";
    public const string OffsetContentType = "application/offset+octet-stream";

    public const string TusResumable = "Tus-Resumable";
    public const string TusVersion = "Tus-Version";
    public const string TusExtension = "Tus-Extension";
    public const string TusMaxSize = "Tus-Max-Size";
    public const string TusChecksumAlgorithm = "Tus-Checksum-Algorithm";
    public const string UploadOffset = "Upload-Offset";
    public const string UploadLength = "Upload-Length";
    public const string UploadDeferLength = "Upload-Defer-Length";
    public const string UploadMetadata = "Upload-Metadata";
    public const string UploadExpires = "Upload-Expires";
    public const string UploadChecksum = "Upload-Checksum";
    public const string UploadConcat = "Upload-Concat";
    public const string MethodOverride = "X-HTTP-Method-Override";

    public static string UploadPath(string id) => $"{BasePath}/{id}";

    /// <summary>A non-negative integer header as the spec writes it: digits only; null when absent or malformed.</summary>
    public static long? ReadLength(this IHeaderDictionary headers, string name) =>
        long.TryParse(headers[name].ToString(), NumberStyles.None, CultureInfo.InvariantCulture, out var value) ? value : null;

    /// <summary>An HTTP date (RFC 9110), as <c>Upload-Expires</c> carries it.</summary>
    public static string HttpDate(DateTimeOffset time) => time.UtcDateTime.ToString("r", CultureInfo.InvariantCulture);
}
