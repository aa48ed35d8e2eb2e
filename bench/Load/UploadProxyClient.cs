using System.Net;
using System.Net.Http.Headers;
using System.Text.Json;

namespace UploadProxy.Bench.Load;

/// <summary>The product's three routes over one pooled HTTP/1.1 client.</summary>
internal sealed class UploadProxyClient : IDisposable
{
    public const string BasePath = "/api/notion/upload-proxy";

    private static readonly Uri CreateUri = new($"{BasePath}/create", UriKind.Relative);
    private static readonly byte[] CreateInBatchBody = """{"filename":"bench-document.pdf","batch_id":"bench"}"""u8.ToArray();
    private static readonly byte[] CreateAloneBody = """{"filename":"bench-document.pdf"}"""u8.ToArray();

    private readonly HttpClient _http;

    public UploadProxyClient(GatewayUnderTest gateway, int connections)
    {
        _http = new HttpClient(BenchHttp.CreateHandler(connections)) { BaseAddress = gateway.Address, Timeout = TimeSpan.FromMinutes(5) };
        if (gateway.ApiKey is { } key)
        {
            _http.DefaultRequestHeaders.Add("X-Api-Key", key);
        }
    }

    /// <summary>Opens a session, in the batch <c>bench</c> as a pipeline's client would or in none, and returns its id.</summary>
    public async Task<string> CreateAsync(CancellationToken cancellationToken, bool inBatch = true)
    {
        using var content = new ByteArrayContent(inBatch ? CreateInBatchBody : CreateAloneBody);
        content.Headers.ContentType = new MediaTypeHeaderValue("application/json");
        using var response = await _http.PostAsync(CreateUri, content, cancellationToken);
        var body = await response.Content.ReadAsByteArrayAsync(cancellationToken);
        Expect(response, body, HttpStatusCode.Created);
        return ReadString(body, "id");
    }

    /// <summary>Sends the document and returns the session's status from the answer.</summary>
    public async Task<string> SendAsync(string id, HttpContent document, bool respondAsync, CancellationToken cancellationToken)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, new Uri($"{BasePath}/send/{id}", UriKind.Relative)) { Content = document };
        if (respondAsync)
        {
            request.Headers.Add("Prefer", "respond-async");
        }

        using var response = await _http.SendAsync(request, cancellationToken);
        var body = await response.Content.ReadAsByteArrayAsync(cancellationToken);
        Expect(response, body, respondAsync ? HttpStatusCode.Accepted : HttpStatusCode.OK, HttpStatusCode.OK);
        return ReadString(body, "status");
    }

    /// <summary>Reads the session back; returns the JSON body.</summary>
    public async Task<byte[]> InfoAsync(string id, CancellationToken cancellationToken)
    {
        using var response = await _http.GetAsync(new Uri($"{BasePath}/info/{id}", UriKind.Relative), cancellationToken);
        var body = await response.Content.ReadAsByteArrayAsync(cancellationToken);
        Expect(response, body, HttpStatusCode.OK);
        return body;
    }

    public static string ReadString(byte[] json, string property)
    {
        using var document = JsonDocument.Parse(json);
        return document.RootElement.TryGetProperty(property, out var value) && value.GetString() is { } text
            ? text
            : throw new InvalidOperationException($"The answer has no '{property}': {Snippet(json)}");
    }

    public void Dispose() => _http.Dispose();

    private static void Expect(HttpResponseMessage response, byte[] body, params HttpStatusCode[] expected)
    {
        if (!expected.Contains(response.StatusCode))
        {
            throw new InvalidOperationException(
                $"{response.RequestMessage?.Method} {response.RequestMessage?.RequestUri} answered {(int)response.StatusCode}: {Snippet(body)}");
        }
    }

    private static string Snippet(byte[] body) => System.Text.Encoding.UTF8.GetString(body.AsSpan(0, Math.Min(body.Length, 300)));
}
