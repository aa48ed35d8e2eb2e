using System.Buffers;
using System.Data;
using Npgsql;

namespace UploadProxy.Persistence.Staging;

/// <summary>
/// The rows of <c>staged_document_chunks</c> under one key read as one stream, from an offset: a staged document or a
/// tus part. Each chunk is read into one pooled 1 MiB buffer, so a reader holds one chunk whatever the length.
/// </summary>
internal sealed class ChunkedReadStream(NpgsqlDataSource dataSource, string key, long length, long offset, Func<int, Exception> missingChunk) : Stream
{
    private const int ChunkSize = PostgresStagingStore.ChunkSize;

    private byte[]? _chunk = ArrayPool<byte>.Shared.Rent(ChunkSize);
    private int _chunkLength;
    private int _chunkIndex = -1;
    private long _position = offset;

    public override bool CanRead => true;
    public override bool CanSeek => false;
    public override bool CanWrite => false;
    public override long Length => length;
    public override long Position { get => _position; set => throw new NotSupportedException(); }

    /// <summary>The index of the chunk the next read starts in.</summary>
    public int NextChunkIndex => (int)(_position / ChunkSize);

    /// <summary>
    /// Takes the chunk the next read starts in from a query the caller already ran (column <paramref name="column"/> of
    /// its current row), so that opening a stream and reading its first chunk can be one round trip.
    /// </summary>
    public async Task LoadAsync(NpgsqlDataReader reader, int column, CancellationToken cancellationToken)
    {
        var chunk = _chunk ?? throw new ObjectDisposedException(nameof(ChunkedReadStream));
        var index = NextChunkIndex;
        if (await reader.IsDBNullAsync(column, cancellationToken))
        {
            throw missingChunk(index);
        }

        await using var data = await reader.GetStreamAsync(column, cancellationToken);
        var filled = 0;
        int read;
        while (filled < ChunkSize && (read = await data.ReadAsync(chunk.AsMemory(filled, ChunkSize - filled), cancellationToken)) > 0)
        {
            filled += read;
        }

        _chunkLength = filled;
        _chunkIndex = index;
    }

    public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
    {
        var chunk = _chunk ?? throw new ObjectDisposedException(nameof(ChunkedReadStream));
        if (_position >= length || buffer.IsEmpty)
        {
            return 0;
        }

        if (NextChunkIndex != _chunkIndex)
        {
            await using var command = dataSource.CreateCommand("SELECT data FROM staged_document_chunks WHERE staging_key = $1 AND chunk_index = $2");
            command.Parameters.AddWithValue(key);
            command.Parameters.AddWithValue(NextChunkIndex);
            await using var reader = await command.ExecuteReaderAsync(CommandBehavior.SequentialAccess, cancellationToken);
            if (!await reader.ReadAsync(cancellationToken))
            {
                throw missingChunk(NextChunkIndex);
            }

            await LoadAsync(reader, 0, cancellationToken);
        }

        var within = (int)(_position % ChunkSize);
        var count = (int)Math.Min(Math.Min(buffer.Length, _chunkLength - within), length - _position);
        if (count <= 0)
        {
            throw missingChunk(_chunkIndex);
        }

        chunk.AsMemory(within, count).CopyTo(buffer);
        _position += count;
        return count;
    }

    public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
        ReadAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

    public override int Read(byte[] buffer, int offset, int count) => ReadAsync(buffer, offset, count).GetAwaiter().GetResult();
    public override void Flush() => throw new NotSupportedException();
    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
    public override void SetLength(long value) => throw new NotSupportedException();
    public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();

    protected override void Dispose(bool disposing)
    {
        if (disposing && _chunk is { } chunk)
        {
            _chunk = null;
            ArrayPool<byte>.Shared.Return(chunk);
        }

        base.Dispose(disposing);
    }
}
