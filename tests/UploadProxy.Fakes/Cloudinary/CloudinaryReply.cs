using System.Buffers;
using System.Globalization;
using System.Net;
using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;
using Microsoft.AspNetCore.WebUtilities;

namespace UploadProxy.Fakes.Cloudinary;

/// <summary>An answer of the Upload API, with the bodies Cloudinary gives.</summary>
internal sealed class CloudinaryReply
{
    private const string JsonContentType = "application/json; charset=utf-8";

    // Cloudinary does not escape '&' or '\'' in its JSON; neither does the fake, so strings to sign stay readable.
    private static readonly JsonWriterOptions JsonOptions = new() { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    private static readonly TimeSpan DefaultRetryAfter = TimeSpan.FromSeconds(1);

    private readonly string _contentType;
    private readonly byte[] _body;
    private readonly Dictionary<string, string> _headers = new(StringComparer.OrdinalIgnoreCase);

    private CloudinaryReply(int statusCode, string contentType, byte[] body, string? rejection)
    {
        StatusCode = statusCode;
        _contentType = contentType;
        _body = body;
        Rejection = rejection;
        if (statusCode is 420 or StatusCodes.Status429TooManyRequests)
        {
            WithRetryAfter(DefaultRetryAfter);
        }
    }

    public int StatusCode { get; }

    /// <summary>Whether answering it made a new version of an asset.</summary>
    public bool Stored { get; private init; }

    /// <summary>Why the request was refused; null when it was not.</summary>
    public string? Rejection { get; }

    /// <summary>The answer to a chunk that does not complete its file: how many bytes of it have arrived.</summary>
    public static CloudinaryReply NotDone(long receivedBytes, string publicId, string resourceType) =>
        new(StatusCodes.Status200OK, JsonContentType, Json(w =>
        {
            w.WriteBoolean("done", false);
            w.WriteNumber("bytes", receivedBytes);
            w.WriteString("public_id", publicId);
            w.WriteString("resource_type", resourceType);
        }), null);

    /// <summary>Retry-After in whole seconds, as Cloudinary gives it.</summary>
    public CloudinaryReply WithRetryAfter(TimeSpan wait) =>
        WithHeader("Retry-After", ((long)Math.Ceiling(wait.TotalSeconds)).ToString(CultureInfo.InvariantCulture));

    public CloudinaryReply WithHeader(string name, string value)
    {
        _headers[name] = value;
        return this;
    }

    public static CloudinaryReply Error(int statusCode, string message) =>
        new(statusCode, JsonContentType, Json(w =>
        {
            w.WriteStartObject("error");
            w.WriteString("message", message);
            w.WriteEndObject();
        }), message);

    /// <summary>A 5xx of the load balancer in front of Cloudinary: an HTML page, not JSON.</summary>
    public static CloudinaryReply LoadBalancerPage(int statusCode, string message)
    {
        var title = $"{statusCode} {ReasonPhrases.GetReasonPhrase(statusCode)}".TrimEnd();
        var page = $"<html>\r\n<head><title>{title}</title></head>\r\n<body>\r\n<center><h1>{title}</h1></center>\r\n<p>{WebUtility.HtmlEncode(message)}</p>\r\n</body>\r\n</html>\r\n";
        return new CloudinaryReply(statusCode, "text/html", Encoding.UTF8.GetBytes(page), message);
    }

    public static CloudinaryReply Uploaded(StoreOutcome outcome, CloudinaryAccount account)
    {
        var (stored, overwritten, existing) = outcome;
        return new CloudinaryReply(StatusCodes.Status200OK, JsonContentType, Json(w =>
        {
            WriteAsset(w, stored, account);
            if (existing)
            {
                w.WriteBoolean("existing", true);
            }

            if (overwritten)
            {
                w.WriteBoolean("overwritten", true);
            }

            w.WriteString("original_filename", stored.OriginalFilename);
            w.WriteString("api_key", account.ApiKey);
        }), null)
        {
            Stored = !existing,
        };
    }

    /// <summary>The Admin API's answer for one resource: the asset as an upload reports it.</summary>
    public static CloudinaryReply Resource(StoredAsset stored, CloudinaryAccount account) =>
        new(StatusCodes.Status200OK, JsonContentType, Json(w => WriteAsset(w, stored, account)), null);

    private static void WriteAsset(Utf8JsonWriter w, StoredAsset stored, CloudinaryAccount account)
    {
        var asset = stored.Asset;
        w.WriteString("asset_id", asset.AssetId);
        w.WriteString("public_id", asset.PublicId);
        w.WriteNumber("version", asset.Version);
        w.WriteString("version_id", stored.VersionId);
        w.WriteString("signature", CloudinarySigning.ResponseSignature(asset.PublicId, asset.Version, account.ApiSecret));
        w.WriteString("resource_type", stored.ResourceType);
        w.WriteString("created_at", stored.CreatedAt.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture));
        w.WriteStartArray("tags");
        foreach (var tag in stored.Tags)
        {
            w.WriteStringValue(tag);
        }

        w.WriteEndArray();
        w.WriteNumber("bytes", asset.Bytes);
        w.WriteString("type", "upload");
        w.WriteString("etag", stored.Etag);
        w.WriteBoolean("placeholder", false);
        // The fake has no TLS: both URLs are the plain-HTTP one it serves.
        w.WriteString("url", asset.SecureUrl);
        w.WriteString("secure_url", asset.SecureUrl);
        w.WriteString("asset_folder", stored.AssetFolder);
        w.WriteString("display_name", asset.PublicId[(asset.PublicId.LastIndexOf('/') + 1)..]);
    }

    public async Task WriteAsync(HttpResponse response)
    {
        response.StatusCode = StatusCode;
        response.ContentType = _contentType;
        response.ContentLength = _body.Length;
        foreach (var (name, value) in _headers)
        {
            response.Headers[name] = value;
        }

        await response.Body.WriteAsync(_body);
    }

    private static byte[] Json(Action<Utf8JsonWriter> writeProperties)
    {
        var buffer = new ArrayBufferWriter<byte>();
        using (var writer = new Utf8JsonWriter(buffer, JsonOptions))
        {
            writer.WriteStartObject();
            writeProperties(writer);
            writer.WriteEndObject();
        }

        return buffer.WrittenSpan.ToArray();
    }
}
