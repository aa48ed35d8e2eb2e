using System.Globalization;
using System.Net.Http.Headers;
using System.Text;

namespace UploadProxy.Tests.Tus;

/// <summary>What a tus client sends, header by header, so each test shows the request its rule is about.</summary>
public sealed class TusClient(HttpClient http)
{
    public const string Endpoint = "/api/tus";

    public HttpClient Http => http;

    public Task<HttpResponseMessage> CreateAsync(long? length, string? metadata = null, byte[]? body = null, bool defer = false)
    {
        var request = Request(HttpMethod.Post, Endpoint);
        if (length is { } known)
        {
            request.Headers.Add("Upload-Length", known.ToString(CultureInfo.InvariantCulture));
        }

        if (defer)
        {
            request.Headers.Add("Upload-Defer-Length", "1");
        }

        if (metadata is not null)
        {
            request.Headers.Add("Upload-Metadata", metadata);
        }

        if (body is not null)
        {
            request.Content = OffsetStream(body);
        }

        return http.SendAsync(request);
    }

    /// <summary>Creates an upload of <paramref name="length"/> bytes and returns its URL.</summary>
    public async Task<string> CreateUrlAsync(long length, string? metadata = null)
    {
        using var response = await CreateAsync(length, metadata);
        Assert.Equal(System.Net.HttpStatusCode.Created, response.StatusCode);
        return response.Headers.Location!.ToString();
    }

    public Task<HttpResponseMessage> PatchAsync(string url, long offset, byte[] body, string contentType = "application/offset+octet-stream", string? checksum = null, long? length = null)
    {
        var request = Request(HttpMethod.Patch, url);
        request.Headers.Add("Upload-Offset", offset.ToString(CultureInfo.InvariantCulture));
        if (checksum is not null)
        {
            request.Headers.Add("Upload-Checksum", checksum);
        }

        if (length is { } known)
        {
            request.Headers.Add("Upload-Length", known.ToString(CultureInfo.InvariantCulture));
        }

        request.Content = new ByteArrayContent(body);
        request.Content.Headers.ContentType = MediaTypeHeaderValue.Parse(contentType);
        return http.SendAsync(request);
    }

    public Task<HttpResponseMessage> HeadAsync(string url) => http.SendAsync(Request(HttpMethod.Head, url));

    public Task<HttpResponseMessage> DeleteAsync(string url) => http.SendAsync(Request(HttpMethod.Delete, url));

    public static string Metadata(params (string Key, string Value)[] pairs) =>
        string.Join(',', pairs.Select(p => $"{p.Key} {Convert.ToBase64String(Encoding.UTF8.GetBytes(p.Value))}"));

    public static string IdOf(string url) => url[(url.LastIndexOf('/') + 1)..];

    public static long Offset(HttpResponseMessage response) =>
        long.Parse(response.Headers.GetValues("Upload-Offset").Single(), CultureInfo.InvariantCulture);

    private static HttpRequestMessage Request(HttpMethod method, string url)
    {
        var request = new HttpRequestMessage(method, url);
        request.Headers.Add("Tus-Resumable", "1.0.0");
        return request;
    }

    private static ByteArrayContent OffsetStream(byte[] body)
    {
        var content = new ByteArrayContent(body);
        content.Headers.ContentType = new MediaTypeHeaderValue("application/offset+octet-stream");
        return content;
    }
}
