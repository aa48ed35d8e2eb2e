using System.Net;
using System.Net.Http.Headers;

namespace UploadProxy.Tests.Support;

/// <summary>
/// A document of any size that starts like a PDF, made as it is sent rather than held in memory; with or without a
/// Content-Length, so that a test can send a body of unknown length.
/// </summary>
public sealed class GeneratedPdfContent : HttpContent
{
    private static readonly byte[] Head = "%PDF-1.4\n"u8.ToArray();
    private readonly long _length;
    private readonly bool _declareLength;

    public GeneratedPdfContent(long length, bool declareLength)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(length, Head.Length);
        (_length, _declareLength) = (length, declareLength);
        Headers.ContentType = new MediaTypeHeaderValue("application/pdf");
    }

    /// <summary>The document as a send body: raw, or the part <c>file</c> of a multipart form.</summary>
    public static HttpContent Body(long length, bool declareLength, bool raw)
    {
        var document = new GeneratedPdfContent(length, declareLength);
        return raw ? document : new MultipartFormDataContent { { document, "file", "generated.pdf" } };
    }

    protected override async Task SerializeToStreamAsync(Stream stream, TransportContext? context)
    {
        var filler = new byte[64 * 1024];
        Array.Fill(filler, (byte)'%');
        await stream.WriteAsync(Head);
        for (var left = _length - Head.Length; left > 0; left -= filler.Length)
        {
            await stream.WriteAsync(filler.AsMemory(0, (int)Math.Min(left, filler.Length)));
        }
    }

    protected override bool TryComputeLength(out long length)
    {
        length = _length;
        return _declareLength;
    }
}
