using System.Net;
using System.Net.Http.Headers;

namespace UploadProxy.Tests.Contract;

/// <summary>A request body sent without <c>Content-Length</c> (chunked).</summary>
public sealed class UnknownLengthContent : HttpContent
{
    private const int ChunkSize = 4096;
    private readonly byte[] _bytes;

    public UnknownLengthContent(byte[] bytes, string mediaType)
    {
        _bytes = bytes;
        Headers.ContentType = new MediaTypeHeaderValue(mediaType);
    }

    protected override async Task SerializeToStreamAsync(Stream stream, TransportContext? context)
    {
        for (var offset = 0; offset < _bytes.Length; offset += ChunkSize)
        {
            var count = Math.Min(ChunkSize, _bytes.Length - offset);
            await stream.WriteAsync(_bytes.AsMemory(offset, count));
            await stream.FlushAsync();
        }
    }

    protected override bool TryComputeLength(out long length)
    {
        length = 0;
        return false;
    }
}
