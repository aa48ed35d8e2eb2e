using System.Globalization;
using System.Net.Http.Headers;
using System.Text;

namespace UploadProxy.Cli.Api;

/// <summary>
/// The gateway's tus 1.0 endpoint (<c>/api/tus</c>) for <c>upload --resumable</c>. Its calls go through
/// <see cref="GatewayClient"/>'s retries (429 <c>Retry-After</c>, 503, transport failures) and API key; a retried PATCH
/// whose first attempt did land gets 409, which the caller settles with a HEAD.
/// </summary>
internal sealed class TusClient(GatewayClient gateway)
{
    private const string TusPath = "api/tus";
    private static readonly MediaTypeHeaderValue OffsetStream = new("application/offset+octet-stream");

    /// <summary>Creates an upload of <paramref name="length"/> bytes and returns its absolute URL.</summary>
    public Task<Uri> CreateAsync(string filename, string batchId, long length, CancellationToken cancellationToken) =>
        gateway.SendAsync(
            () =>
            {
                var request = NewRequest(HttpMethod.Post, new Uri(gateway.Base, TusPath));
                request.Headers.Add("Upload-Length", length.ToString(CultureInfo.InvariantCulture));
                request.Headers.Add("Upload-Metadata", $"filename {Base64(filename)},batch_id {Base64(batchId)}");
                return request;
            },
            (response, _) => Task.FromResult(response.Headers.Location is { } location
                ? new Uri(gateway.Base, location)
                : throw new GatewayException((int)response.StatusCode, "invalid_response", "The gateway created a tus upload without a Location.")),
            gateway.Timings.RequestTimeout,
            cancellationToken);

    /// <summary>The upload's offset, as <c>HEAD</c> reports it: every byte before it is stored durably.</summary>
    /// <exception cref="GatewayException">404 or 410 when the upload is gone (expired, terminated, never there).</exception>
    public Task<long> GetOffsetAsync(Uri upload, CancellationToken cancellationToken) =>
        gateway.SendAsync(
            () => NewRequest(HttpMethod.Head, upload),
            (response, _) => Task.FromResult(ReadOffset(response)),
            gateway.Timings.RequestTimeout,
            cancellationToken);

    /// <summary>Sends the file's bytes from <paramref name="offset"/> for <paramref name="length"/> bytes; returns the new offset.</summary>
    public Task<long> PatchAsync(
        Uri upload, FileInfo file, long offset, long length, Action<long> reportPosition, CancellationToken cancellationToken) =>
        gateway.SendAsync(
            () =>
            {
                var request = NewRequest(HttpMethod.Patch, upload);
                request.Headers.Add("Upload-Offset", offset.ToString(CultureInfo.InvariantCulture));
                request.Content = new FileChunkContent(file, offset, length, reportPosition);
                request.Content.Headers.ContentType = OffsetStream;
                return request;
            },
            (response, _) => Task.FromResult(ReadOffset(response)),
            gateway.Timings.SendTimeout,
            cancellationToken);

    /// <summary>How often a contested PATCH (409, 423) is settled with a HEAD before the file is given up.</summary>
    public int MaxAttempts => gateway.Timings.MaxAttempts;

    /// <summary>The wait before a contested PATCH is tried again, as for any retry.</summary>
    public TimeSpan Backoff(int attempt) => gateway.Backoff(attempt);

    /// <summary>The session id a tus upload URL names: its last segment.</summary>
    public static string SessionIdOf(Uri upload) => Uri.UnescapeDataString(upload.Segments[^1].TrimEnd('/'));

    private static HttpRequestMessage NewRequest(HttpMethod method, Uri uri)
    {
        var request = new HttpRequestMessage(method, uri);
        request.Headers.Add("Tus-Resumable", "1.0.0");
        return request;
    }

    private static long ReadOffset(HttpResponseMessage response) =>
        response.Headers.TryGetValues("Upload-Offset", out var values)
        && long.TryParse(values.FirstOrDefault(), NumberStyles.None, CultureInfo.InvariantCulture, out var offset)
            ? offset
            : throw new GatewayException((int)response.StatusCode, "invalid_response", "The gateway's tus answer has no Upload-Offset.");

    private static string Base64(string value) => Convert.ToBase64String(Encoding.UTF8.GetBytes(value));
}
