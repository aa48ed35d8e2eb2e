using System.Buffers;
using System.Net;

namespace UploadProxy.Persistence.Staging;

/// <summary>
/// A range of a staged document as an HTTP body. It reopens the staging store each time it is serialised, so a
/// transport retry can send it again, and it copies through a small pooled buffer whatever the document's size.
/// </summary>
public sealed class StagedRangeContent(IDocumentStagingStore staging, string stagingKey, long offset, long length) : HttpContent
{
    private const int BufferSize = 64 * 1024;
    private readonly long _length = length;

    protected override Task SerializeToStreamAsync(Stream stream, TransportContext? context) =>
        SerializeToStreamAsync(stream, context, CancellationToken.None);

    protected override async Task SerializeToStreamAsync(Stream stream, TransportContext? context, CancellationToken cancellationToken)
    {
        await using var source = await staging.OpenReadAsync(stagingKey, offset, cancellationToken);
        var buffer = ArrayPool<byte>.Shared.Rent(BufferSize);
        try
        {
            var remaining = _length;
            while (remaining > 0)
            {
                var read = await source.ReadAsync(buffer.AsMemory(0, (int)Math.Min(buffer.Length, remaining)), cancellationToken);
                if (read == 0)
                {
                    throw new IOException($"The staged document '{stagingKey}' ended {remaining} bytes early.");
                }

                await stream.WriteAsync(buffer.AsMemory(0, read), cancellationToken);
                remaining -= read;
            }
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    protected override bool TryComputeLength(out long length)
    {
        length = _length;
        return true;
    }
}
