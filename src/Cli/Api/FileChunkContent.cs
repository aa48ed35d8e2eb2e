using System.Net;

namespace UploadProxy.Cli.Api;

/// <summary>
/// One PATCH's body: <c>length</c> bytes of a file from <c>offset</c>, streamed from disk (never held whole) and
/// reported as absolute positions in the file, so the progress bar counts what earlier runs sent too.
/// </summary>
internal sealed class FileChunkContent(FileInfo file, long offset, long length, Action<long> reportPosition) : HttpContent
{
    private const int BufferSize = 81920;

    protected override async Task SerializeToStreamAsync(Stream stream, TransportContext? context) =>
        await SerializeToStreamAsync(stream, context, CancellationToken.None);

    protected override async Task SerializeToStreamAsync(Stream stream, TransportContext? context, CancellationToken cancellationToken)
    {
        await using var source = new FileStream(
            file.FullName, FileMode.Open, FileAccess.Read, FileShare.Read, bufferSize: 0, FileOptions.Asynchronous | FileOptions.SequentialScan);
        source.Position = offset;
        var buffer = new byte[(int)Math.Min(BufferSize, Math.Max(length, 1))];
        var left = length;
        while (left > 0)
        {
            var read = await source.ReadAsync(buffer.AsMemory(0, (int)Math.Min(buffer.Length, left)), cancellationToken);
            if (read == 0)
            {
                throw new IOException($"{file.FullName} is shorter than when its upload began.");
            }

            await stream.WriteAsync(buffer.AsMemory(0, read), cancellationToken);
            left -= read;
            reportPosition(offset + length - left);
        }
    }

    protected override bool TryComputeLength(out long contentLength)
    {
        contentLength = length;
        return true;
    }
}
