using System.Buffers;
using System.Data;
using Npgsql;
using NpgsqlTypes;

namespace UploadProxy.Persistence.Staging;

/// <summary>
/// Staging in PostgreSQL, reachable from every silo and gateway of a cluster. Bytes are kept in 1 MiB rows, written
/// as they arrive under a provisional key and renamed in one transaction at commit, so memory stays at one chunk.
/// The column is stored uncompressed (deploy/sql/05): PDFs hardly compress, and trying costs PostgreSQL CPU per byte.
/// </summary>
public sealed class PostgresStagingStore(NpgsqlDataSource dataSource) : IDocumentStagingStore
{
    /// <summary>Fixed: offsets of staged documents are computed from it.</summary>
    public const int ChunkSize = 1024 * 1024;

    public Task<IStagingWriter> BeginAsync(string sessionId, CancellationToken cancellationToken) =>
        Task.FromResult<IStagingWriter>(new Writer(dataSource, sessionId));

    /// <summary>
    /// The data source for the staging stores. Unless the connection string sets <c>Max Auto Prepare</c>, statements
    /// used twice on a connection are prepared: PostgreSQL plans an unprepared statement with its parameters' values
    /// in the plan, and so copied every chunk's 1 MiB into the plan of its insert, about a fifth of its CPU per
    /// document (docs/benchmarks.md, "The cluster, issue 15"). A prepared statement soon gets a generic plan.
    /// </summary>
    public static NpgsqlDataSource CreateDataSource(string connectionString)
    {
        var builder = new NpgsqlConnectionStringBuilder(connectionString);
        if (builder.MaxAutoPrepare == 0)
        {
            builder.MaxAutoPrepare = 16;
            builder.AutoPrepareMinUsages = 2;
        }

        return NpgsqlDataSource.Create(builder.ConnectionString);
    }

    public async Task<Stream> OpenReadAsync(string stagingKey, long offset, CancellationToken cancellationToken)
    {
        // The length and the chunk the offset falls in, in one round trip: a document of one chunk is read in one.
        await using var command = dataSource.CreateCommand("""
            SELECT d.length, c.data FROM staged_documents d
            LEFT JOIN staged_document_chunks c ON c.staging_key = d.staging_key AND c.chunk_index = $2
            WHERE d.staging_key = $1
            """);
        command.Parameters.AddWithValue(stagingKey);
        command.Parameters.AddWithValue((int)(offset / ChunkSize));
        await using var reader = await command.ExecuteReaderAsync(CommandBehavior.SequentialAccess, cancellationToken);
        if (!await reader.ReadAsync(cancellationToken))
        {
            throw new StagedDocumentMissingException(stagingKey);
        }

        var length = reader.GetInt64(0);
        var stream = new ChunkedReadStream(dataSource, stagingKey, length, offset, _ => new StagedDocumentMissingException(stagingKey));
        try
        {
            if (offset < length)
            {
                await stream.LoadAsync(reader, 1, cancellationToken);
            }

            return stream;
        }
        catch
        {
            await stream.DisposeAsync();
            throw;
        }
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

    /// <summary>
    /// Buffers one chunk at a time (a pooled 1 MiB buffer) and inserts a full chunk only once more bytes follow it, so
    /// the last chunk, the renaming of the earlier ones and the document's row go in one transaction at commit: a
    /// document of one chunk costs one round trip and one commit.
    /// </summary>
    private sealed class Writer(NpgsqlDataSource dataSource, string sessionId) : IStagingWriter
    {
        private readonly string _provisionalKey = $"incoming/{sessionId}/{Guid.NewGuid():N}";
        private byte[]? _buffer = ArrayPool<byte>.Shared.Rent(ChunkSize);
        private int _filled;
        private int _flushedChunks;
        private long _length;
        private bool _committed;

        public async ValueTask WriteAsync(ReadOnlyMemory<byte> data, CancellationToken cancellationToken)
        {
            var buffer = _buffer ?? throw new ObjectDisposedException(nameof(Writer));
            while (!data.IsEmpty)
            {
                if (_filled == ChunkSize)
                {
                    await InsertChunkAsync(cancellationToken);
                }

                var take = Math.Min(data.Length, ChunkSize - _filled);
                data[..take].CopyTo(buffer.AsMemory(_filled));
                _filled += take;
                _length += take;
                data = data[take..];
            }
        }

        public async Task<string> CommitAsync(string sha256, CancellationToken cancellationToken)
        {
            ObjectDisposedException.ThrowIf(_buffer is null, this);
            var key = StagingKeys.For(sessionId, sha256);

            // A batch without an explicit transaction runs as one implicit transaction: all of it or nothing.
            await using var batch = dataSource.CreateBatch();
            batch.BatchCommands.Add(new("DELETE FROM staged_document_chunks WHERE staging_key = $1") { Parameters = { new() { Value = key } } });
            if (_flushedChunks > 0)
            {
                batch.BatchCommands.Add(new("UPDATE staged_document_chunks SET staging_key = $1 WHERE staging_key = $2")
                {
                    Parameters = { new() { Value = key }, new() { Value = _provisionalKey } },
                });
            }

            if (_filled > 0)
            {
                batch.BatchCommands.Add(InsertChunk(key));
            }

            batch.BatchCommands.Add(new("""
                INSERT INTO staged_documents (staging_key, session_id, sha256, length) VALUES ($1, $2, $3, $4)
                ON CONFLICT (staging_key) DO UPDATE SET length = excluded.length, committed_at = now()
                """)
            {
                Parameters = { new() { Value = key }, new() { Value = sessionId }, new() { Value = sha256 }, new() { Value = _length } },
            });
            await batch.ExecuteNonQueryAsync(cancellationToken);
            _committed = true;
            return key;
        }

        public async ValueTask DisposeAsync()
        {
            if (_buffer is not { } buffer)
            {
                return;
            }

            _buffer = null;
            ArrayPool<byte>.Shared.Return(buffer);
            if (!_committed && _flushedChunks > 0)
            {
                await using var command = dataSource.CreateCommand("DELETE FROM staged_document_chunks WHERE staging_key = $1");
                command.Parameters.AddWithValue(_provisionalKey);
                await command.ExecuteNonQueryAsync();
            }
        }

        private async Task InsertChunkAsync(CancellationToken cancellationToken)
        {
            await using var batch = dataSource.CreateBatch();
            batch.BatchCommands.Add(InsertChunk(_provisionalKey));
            await batch.ExecuteNonQueryAsync(cancellationToken);
            _flushedChunks++;
            _filled = 0;
        }

        /// <summary>The chunk being filled, as the next chunk under <paramref name="key"/>.</summary>
        private NpgsqlBatchCommand InsertChunk(string key) =>
            new("INSERT INTO staged_document_chunks (staging_key, chunk_index, data) VALUES ($1, $2, $3)")
            {
                Parameters =
                {
                    new() { Value = key },
                    new() { Value = _flushedChunks },
                    new() { NpgsqlDbType = NpgsqlDbType.Bytea, Value = new ArraySegment<byte>(_buffer!, 0, _filled) },
                },
            };
    }
}
