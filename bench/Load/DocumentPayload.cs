using System.Net.Http.Headers;
using System.Text;

namespace UploadProxy.Bench.Load;

/// <summary>
/// A document as the original clients send it: one multipart part named <c>file</c>. The body is built once and
/// wrapped in a new <see cref="HttpContent"/> per request, so the load generator copies nothing per request.
/// </summary>
internal sealed class DocumentPayload
{
    private const string Boundary = "----UploadProxyBenchBoundary7MA4YWxkTrZu0gW";
    private readonly byte[] _body;

    public DocumentPayload(byte[] pdf, string fileName = "bench.pdf")
    {
        DocumentBytes = pdf.Length;
        var head = Encoding.ASCII.GetBytes(
            $"--{Boundary}\r\nContent-Disposition: form-data; name=\"file\"; filename=\"{fileName}\"\r\nContent-Type: application/pdf\r\n\r\n");
        var tail = Encoding.ASCII.GetBytes($"\r\n--{Boundary}--\r\n");
        _body = [.. head, .. pdf, .. tail];
    }

    public const string ContentType = $"multipart/form-data; boundary={Boundary}";

    /// <summary>The PDF's own size, without the multipart framing.</summary>
    public long DocumentBytes { get; }

    /// <summary>The whole multipart body, for readers that parse it themselves (the micro-benchmarks).</summary>
    public ReadOnlyMemory<byte> Body => _body;

    public static string BoundaryValue => Boundary;

    public HttpContent CreateContent()
    {
        var content = new ByteArrayContent(_body);
        content.Headers.ContentType = MediaTypeHeaderValue.Parse(ContentType);
        return content;
    }
}
