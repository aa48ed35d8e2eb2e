using Npgsql;
using NpgsqlTypes;

namespace UploadProxy.Persistence.Staging;

/// <summary>
/// Staging in PostgreSQL, reachable from every silo and gateway of a cluster. Bytes are kept in 1 MiB rows, written
/// as they arrive under a provisional key and renamed in one transaction at commit, so memory stays at one chunk.
/// </summary>
public sealed class PostgresStagingStore(NpgsqlDataSource dataSource) : IDocumentStagingStore
{
    /// <summary>Fixed: offsets of staged documents are computed from it.</summary>
    public const int ChunkSize = 1024 * 1024;

    public Task<IStagingWriter> BeginAsync(string sessionId, CancellationToken cancellationToken) =>
        Task.FromResult<IStagingWriter>(new Writer(dataSource, sessionId));

    public async Task<Stream> OpenReadAsync(string stagingKey, long offset, CancellationToken cancellationToken)
    {
        await using var command = dataSource.CreateCommand("SELECT length FROM staged_documents WHERE staging_key = $1");
        command.Parameters.AddWithValue(stagingKey);
        var length = await command.ExecuteScalarAsync(cancellationToken) as long?
            ?? throw new StagedDocumentMissingException(stagingKey);
        return new ChunkReader(dataSource, stagingKey, length, offset);
    }

    public async Task DeleteAsync(string stagingKey, CancellationToken cancellationToken)
    {
        await using var batch = dataSource.CreateBatch();
        batch.BatchCommands.Add(new NpgsqlBatchCommand("DELETE FROM staged_documents WHERE staging_key = $1") { Parameters = { new() { Value = stagingKey } } });
        batch.BatchCommands.Add(new NpgsqlBatchCommand("DELETE FROM staged_document_chunks WHERE staging_key = $1") { Parameters = { new() { Value = stagingKey } } });
        await batch.ExecuteNonQueryAsync(cancellationToken);
    }

    public async IAsyncEnumerable<string> ListCommittedBeforeAsync(DateTimeOffset cutoff, [System.Runtime.CompilerServices.EnumeratorCancellation] CancellationToken cancellationToken)
    {
        await using var command = dataSource.CreateCommand("SELECT staging_key FROM staged_documents WHERE committed_at < $1");
        command.Parameters.AddWithValue(cutoff.UtcDateTime);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            yield return reader.GetString(0);
        }
    }

    public async Task<int> DeleteAbandonedWritesAsync(DateTimeOffset cutoff, CancellationToken cancellationToken)
    {
        // Provisional keys start with "incoming/"; a write still in progress adds a chunk at least every chunk's worth of bytes.
        await using var command = dataSource.CreateCommand("""
            WITH abandoned AS (
                SELECT staging_key FROM staged_document_chunks
                WHERE staging_key LIKE 'incoming/%'
                GROUP BY staging_key HAVING max(written_at) < $1)
            DELETE FROM staged_document_chunks c USING abandoned a WHERE c.staging_key = a.staging_key
            RETURNING c.staging_key
            """);
        command.Parameters.AddWithValue(cutoff.UtcDateTime);
        var keys = new HashSet<string>(StringComparer.Ordinal);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            keys.Add(reader.GetString(0));
        }

        return keys.Count;
    }

    private static async Task<byte[]?> ReadChunkAsync(NpgsqlDataSource dataSource, string stagingKey, int index, CancellationToken cancellationToken)
    {
        await using var command = dataSource.CreateCommand("SELECT data FROM staged_document_chunks WHERE staging_key = $1 AND chunk_index = $2");
        command.Parameters.AddWithValue(stagingKey);
        command.Parameters.AddWithValue(index);
        return await command.ExecuteScalarAsync(cancellationToken) as byte[];
    }

    private sealed class Writer(NpgsqlDataSource dataSource, string sessionId) : IStagingWriter
    {
        private readonly ChunkWriter _content = new(dataSource, $"incoming/{sessionId}/{Guid.NewGuid():N}");
        private bool _committed;

        public ValueTask WriteAsync(ReadOnlyMemory<byte> data, CancellationToken cancellationToken) => _content.WriteAsync(data, cancellationToken);

        public async Task<string> CommitAsync(string sha256, CancellationToken cancellationToken)
        {
            await _content.FlushAsync(cancellationToken);
            var key = StagingKeys.For(sessionId, sha256);
            await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
            await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
            await using var batch = new NpgsqlBatch(connection, transaction)
            {
                BatchCommands =
                {
                    new("DELETE FROM staged_document_chunks WHERE staging_key = $1") { Parameters = { new() { Value = key } } },
                    new("UPDATE staged_document_chunks SET staging_key = $1 WHERE staging_key = $2") { Parameters = { new() { Value = key }, new() { Value = _content.Key } } },
                    new("""
                        INSERT INTO staged_documents (staging_key, session_id, sha256, length) VALUES ($1, $2, $3, $4)
                        ON CONFLICT (staging_key) DO UPDATE SET length = excluded.length, committed_at = now()
                        """)
                    {
                        Parameters = { new() { Value = key }, new() { Value = sessionId }, new() { Value = sha256 }, new() { Value = _content.Length } },
                    },
                },
            };
            await batch.ExecuteNonQueryAsync(cancellationToken);
            await transaction.CommitAsync(cancellationToken);
            _committed = true;
            return key;
        }

        public async ValueTask DisposeAsync()
        {
            if (!_committed)
            {
                await using var command = dataSource.CreateCommand("DELETE FROM staged_document_chunks WHERE staging_key = $1");
                command.Parameters.AddWithValue(_content.Key);
                await command.ExecuteNonQueryAsync();
            }

            await _content.DisposeAsync();
        }
    }

    /// <summary>Buffers one chunk and inserts it as soon as it is full.</summary>
    private sealed class ChunkWriter(NpgsqlDataSource dataSource, string key) : Stream
    {
        private readonly byte[] _buffer = new byte[ChunkSize];
        private int _filled;
        private int _nextIndex;
        private long _length;

        public string Key { get; } = key;

        public override bool CanRead => false;
        public override bool CanSeek => false;
        public override bool CanWrite => true;
        public override long Length => _length;
        public override long Position { get => _length; set => throw new NotSupportedException(); }

        public override async ValueTask WriteAsync(ReadOnlyMemory<byte> buffer, CancellationToken cancellationToken = default)
        {
            while (!buffer.IsEmpty)
            {
                var take = Math.Min(buffer.Length, ChunkSize - _filled);
                buffer[..take].CopyTo(_buffer.AsMemory(_filled));
                _filled += take;
                _length += take;
                buffer = buffer[take..];
                if (_filled == ChunkSize)
                {
                    await FlushAsync(cancellationToken);
                }
            }
        }

        public override Task WriteAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
            WriteAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

        public override async Task FlushAsync(CancellationToken cancellationToken)
        {
            if (_filled == 0)
            {
                return;
            }

            await using var command = dataSource.CreateCommand("INSERT INTO staged_document_chunks (staging_key, chunk_index, data) VALUES ($1, $2, $3)");
            command.Parameters.AddWithValue(Key);
            command.Parameters.AddWithValue(_nextIndex++);
            command.Parameters.Add(new NpgsqlParameter { NpgsqlDbType = NpgsqlDbType.Bytea, Value = new ArraySegment<byte>(_buffer, 0, _filled) });
            await command.ExecuteNonQueryAsync(cancellationToken);
            _filled = 0;
        }

        public override void Flush() => FlushAsync(CancellationToken.None).GetAwaiter().GetResult();
        public override int Read(byte[] buffer, int offset, int count) => throw new NotSupportedException();
        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
        public override void SetLength(long value) => throw new NotSupportedException();
        public override void Write(byte[] buffer, int offset, int count) => WriteAsync(buffer, offset, count).GetAwaiter().GetResult();
    }

    /// <summary>Reads a staged document chunk by chunk from an offset.</summary>
    private sealed class ChunkReader(NpgsqlDataSource dataSource, string stagingKey, long length, long offset) : Stream
    {
        private byte[]? _chunk;
        private int _chunkIndex = -1;
        private long _position = offset;

        public override bool CanRead => true;
        public override bool CanSeek => false;
        public override bool CanWrite => false;
        public override long Length => length;
        public override long Position { get => _position; set => throw new NotSupportedException(); }

        public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
        {
            if (_position >= length || buffer.IsEmpty)
            {
                return 0;
            }

            var index = (int)(_position / ChunkSize);
            if (index != _chunkIndex)
            {
                _chunk = await ReadChunkAsync(dataSource, stagingKey, index, cancellationToken)
                    ?? throw new StagedDocumentMissingException(stagingKey);
                _chunkIndex = index;
            }

            var within = (int)(_position % ChunkSize);
            var count = Math.Min(buffer.Length, _chunk!.Length - within);
            _chunk.AsMemory(within, count).CopyTo(buffer);
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
    }
}
