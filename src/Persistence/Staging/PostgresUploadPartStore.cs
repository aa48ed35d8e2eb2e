using Npgsql;
using NpgsqlTypes;

namespace UploadProxy.Persistence.Staging;

/// <summary>
/// Parts in PostgreSQL, reachable from every gateway of a cluster: the chunks of <c>staged_document_chunks</c> under the
/// key <c>tus/{session}</c>, in the same 1 MiB rows as staged documents. Each PATCH is one transaction, so an offset is
/// acknowledged only once its bytes are committed, and a PATCH that does not commit leaves the part as it was.
/// </summary>
public sealed class PostgresUploadPartStore(NpgsqlDataSource dataSource) : IUploadPartStore
{
    private const int ChunkSize = PostgresStagingStore.ChunkSize;

    public async Task<IPartWriter> OpenAtAsync(string sessionId, long offset, CancellationToken cancellationToken)
    {
        var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        try
        {
            var transaction = await connection.BeginTransactionAsync(cancellationToken);
            var writer = new Writer(connection, transaction, KeyOf(sessionId), (int)(offset / ChunkSize));
            await writer.StartAsync((int)(offset % ChunkSize), cancellationToken);
            return writer;
        }
        catch
        {
            await connection.DisposeAsync();
            throw;
        }
    }

    public Task<Stream> OpenReadAsync(string sessionId, long length, CancellationToken cancellationToken)
    {
        var key = KeyOf(sessionId);
        return Task.FromResult<Stream>(new ChunkedReadStream(dataSource, key, length, offset: 0,
            index => new InvalidOperationException($"The part {key} lacks its chunk {index}.")));
    }

    public async Task DeleteAsync(string sessionId, CancellationToken cancellationToken)
    {
        await using var command = dataSource.CreateCommand("DELETE FROM staged_document_chunks WHERE staging_key = $1");
        command.Parameters.AddWithValue(KeyOf(sessionId));
        await command.ExecuteNonQueryAsync(cancellationToken);
    }

    public async IAsyncEnumerable<string> ListUntouchedSinceAsync(
        DateTimeOffset cutoff, [System.Runtime.CompilerServices.EnumeratorCancellation] CancellationToken cancellationToken)
    {
        // Every PATCH rewrites at least the chunk its offset falls in, so the newest chunk's time is the part's last write.
        await using var command = dataSource.CreateCommand("""
            SELECT substr(staging_key, 5) FROM staged_document_chunks
            WHERE staging_key LIKE 'tus/%'
            GROUP BY staging_key HAVING max(written_at) < $1
            """);
        command.Parameters.AddWithValue(cutoff.UtcDateTime);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            yield return reader.GetString(0);
        }
    }

    private static string KeyOf(string sessionId) =>
        UploadProxy.Grains.SessionId.IsValid(sessionId) ? $"tus/{sessionId}" : throw new ArgumentException("Not a session id.", nameof(sessionId));

    private sealed class Writer(NpgsqlConnection connection, NpgsqlTransaction transaction, string key, int firstChunk) : IPartWriter
    {
        private readonly byte[] _buffer = new byte[ChunkSize];
        private int _filled;
        private int _nextIndex = -1;
        private bool _committed;

        /// <summary>Keeps the acknowledged bytes of the chunk the offset falls in, and drops everything after the offset.</summary>
        public async Task StartAsync(int within, CancellationToken cancellationToken)
        {
            if (within > 0)
            {
                await using var read = new NpgsqlCommand("SELECT data FROM staged_document_chunks WHERE staging_key = $1 AND chunk_index = $2", connection, transaction)
                {
                    Parameters = { new() { Value = key }, new() { Value = firstChunk } },
                };
                var chunk = await read.ExecuteScalarAsync(cancellationToken) as byte[];
                if (chunk is null || chunk.Length < within)
                {
                    throw new InvalidOperationException($"The part {key} holds fewer bytes than the offset its session acknowledged.");
                }

                chunk.AsSpan(0, within).CopyTo(_buffer);
                _filled = within;
            }

            await using var drop = new NpgsqlCommand("DELETE FROM staged_document_chunks WHERE staging_key = $1 AND chunk_index >= $2", connection, transaction)
            {
                Parameters = { new() { Value = key }, new() { Value = firstChunk } },
            };
            await drop.ExecuteNonQueryAsync(cancellationToken);
            _nextIndex = firstChunk;
        }

        public async ValueTask WriteAsync(ReadOnlyMemory<byte> data, CancellationToken cancellationToken)
        {
            while (!data.IsEmpty)
            {
                var take = Math.Min(data.Length, ChunkSize - _filled);
                data[..take].CopyTo(_buffer.AsMemory(_filled));
                _filled += take;
                data = data[take..];
                if (_filled == ChunkSize)
                {
                    await FlushAsync(cancellationToken);
                }
            }
        }

        public async Task CommitAsync(CancellationToken cancellationToken)
        {
            await FlushAsync(cancellationToken);
            await transaction.CommitAsync(cancellationToken);
            _committed = true;
        }

        public async ValueTask DisposeAsync()
        {
            if (!_committed)
            {
                await transaction.RollbackAsync();
            }

            await transaction.DisposeAsync();
            await connection.DisposeAsync();
        }

        private async Task FlushAsync(CancellationToken cancellationToken)
        {
            if (_filled == 0)
            {
                return;
            }

            await using var insert = new NpgsqlCommand("INSERT INTO staged_document_chunks (staging_key, chunk_index, data) VALUES ($1, $2, $3)", connection, transaction);
            insert.Parameters.AddWithValue(key);
            insert.Parameters.AddWithValue(_nextIndex++);
            insert.Parameters.Add(new NpgsqlParameter { NpgsqlDbType = NpgsqlDbType.Bytea, Value = new ArraySegment<byte>(_buffer, 0, _filled) });
            await insert.ExecuteNonQueryAsync(cancellationToken);
            _filled = 0;
        }
    }
}
