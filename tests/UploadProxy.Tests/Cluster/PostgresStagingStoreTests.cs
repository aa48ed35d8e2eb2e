using Npgsql;
using UploadProxy.Grains;
using UploadProxy.Persistence.Staging;
using UploadProxy.Tests.Support;

namespace UploadProxy.Tests.Cluster;

public sealed class PostgresStagingStoreTests : IAsyncLifetime
{
    private NpgsqlDataSource _dataSource = null!;
    private PostgresStagingStore _store = null!;

    public async Task InitializeAsync()
    {
        var server = await PostgresServer.SharedAsync();
        _dataSource = NpgsqlDataSource.Create(await server.CreateDatabaseAsync());
        _store = new PostgresStagingStore(_dataSource);
    }

    public async Task DisposeAsync() => await _dataSource.DisposeAsync();

    [Fact]
    public async Task A_committed_document_reads_back_whole_and_from_any_offset()
    {
        var pdf = SamplePdf.Create(minimumBytes: (int)(2.5 * PostgresStagingStore.ChunkSize), seed: 1);
        var key = await StageAsync(pdf);

        Assert.Equal(pdf, await ReadAsync(key, 0));
        var offset = PostgresStagingStore.ChunkSize + 12345;
        Assert.Equal(pdf[offset..], await ReadAsync(key, offset));
    }

    [Theory]
    [InlineData(0, 1)]
    [InlineData(1, 0)]
    [InlineData(2, 0)]
    [InlineData(2, 1)]
    public async Task A_document_of_any_length_reads_back_whole_and_from_its_last_byte(int chunks, int extraBytes)
    {
        // The last chunk goes in with the commit; a length on a chunk boundary leaves no partial chunk to write.
        var document = new byte[(chunks * PostgresStagingStore.ChunkSize) + extraBytes];
        new Random(chunks * 10 + extraBytes).NextBytes(document);
        var key = await StageAsync(document);

        Assert.Equal(document, await ReadAsync(key, 0));
        Assert.Equal(document[^1..], await ReadAsync(key, document.Length - 1));
        Assert.Empty(await ReadAsync(key, document.Length));
        Assert.Equal(chunks + (extraBytes > 0 ? 1 : 0), await ChunkCountAsync(key));
    }

    [Fact]
    public async Task Staging_the_same_document_again_for_a_session_keeps_one_copy()
    {
        // A send retried after a lost answer stages the same bytes under the same key.
        var sessionId = SessionId.New();
        var document = SamplePdf.Create(minimumBytes: (int)(1.5 * PostgresStagingStore.ChunkSize), seed: 5);
        var first = (await _store.StageAsync(sessionId, document)).StagingKey;
        var second = (await _store.StageAsync(sessionId, document)).StagingKey;

        Assert.Equal(first, second);
        Assert.Equal(2, await ChunkCountAsync(second));
        Assert.Equal(document, await ReadAsync(second, 0));
    }

    [Fact]
    public async Task Bytes_written_without_commit_leave_nothing_behind()
    {
        await using (var writer = await _store.BeginAsync(SessionId.New(), CancellationToken.None))
        {
            await writer.WriteAsync(SamplePdf.Create(minimumBytes: 3 * PostgresStagingStore.ChunkSize), CancellationToken.None);
        }

        await using var count = _dataSource.CreateCommand("SELECT count(*) FROM staged_document_chunks");
        Assert.Equal(0L, await count.ExecuteScalarAsync());
    }

    [Fact]
    public async Task The_chunks_of_a_send_cut_off_by_a_crash_are_swept_once_nothing_was_added_for_the_orphan_age()
    {
        // A writer that is never committed nor disposed: its gateway died mid-send.
        var cutOff = await _store.BeginAsync(SessionId.New(), CancellationToken.None);
        await cutOff.WriteAsync(SamplePdf.Create(minimumBytes: 2 * PostgresStagingStore.ChunkSize, seed: 3), CancellationToken.None);
        var document = SamplePdf.Create(minimumBytes: 2 * PostgresStagingStore.ChunkSize, seed: 4);
        var committed = await StageAsync(document);
        var before = await ChunkCountAsync();

        var sweptTooEarly = await _store.DeleteAbandonedWritesAsync(DateTimeOffset.UtcNow.AddMinutes(-10), CancellationToken.None);
        var swept = await _store.DeleteAbandonedWritesAsync(DateTimeOffset.UtcNow.AddMinutes(10), CancellationToken.None);

        Assert.Equal(0, sweptTooEarly);
        Assert.Equal(1, swept);
        Assert.True(await ChunkCountAsync() < before);
        Assert.DoesNotContain(await ChunkKeysAsync(), k => k.StartsWith("incoming/", StringComparison.Ordinal));
        Assert.Equal(document, await ReadAsync(committed, 0));
    }

    [Fact]
    public async Task A_document_whose_chunk_came_back_short_is_never_read_short()
    {
        // A document is uploaded from what the reader returns: bytes missing from a chunk must fail the read, not end it.
        var key = await StageAsync(SamplePdf.Create(minimumBytes: (int)(2.5 * PostgresStagingStore.ChunkSize), seed: 6));
        await using (var damage = _dataSource.CreateCommand("UPDATE staged_document_chunks SET data = substring(data from 1 for 10) WHERE staging_key = $1 AND chunk_index = 1"))
        {
            damage.Parameters.AddWithValue(key);
            Assert.Equal(1, await damage.ExecuteNonQueryAsync());
        }

        await Assert.ThrowsAsync<StagedDocumentMissingException>(() => ReadAsync(key, 0));
    }

    [Fact]
    public async Task A_deleted_document_is_missing()
    {
        var key = await StageAsync(SamplePdf.Create(seed: 2));

        await _store.DeleteAsync(key, CancellationToken.None);

        await Assert.ThrowsAsync<StagedDocumentMissingException>(() => _store.OpenReadAsync(key, 0, CancellationToken.None));
    }

    private async Task<long> ChunkCountAsync()
    {
        await using var count = _dataSource.CreateCommand("SELECT count(*) FROM staged_document_chunks");
        return (long)(await count.ExecuteScalarAsync())!;
    }

    private async Task<long> ChunkCountAsync(string key)
    {
        await using var count = _dataSource.CreateCommand("SELECT count(*) FROM staged_document_chunks WHERE staging_key = $1");
        count.Parameters.AddWithValue(key);
        return (long)(await count.ExecuteScalarAsync())!;
    }

    private async Task<List<string>> ChunkKeysAsync()
    {
        var keys = new List<string>();
        await using var command = _dataSource.CreateCommand("SELECT DISTINCT staging_key FROM staged_document_chunks");
        await using var reader = await command.ExecuteReaderAsync();
        while (await reader.ReadAsync())
        {
            keys.Add(reader.GetString(0));
        }

        return keys;
    }

    private async Task<string> StageAsync(byte[] document) => (await _store.StageAsync(SessionId.New(), document)).StagingKey;

    private async Task<byte[]> ReadAsync(string key, long offset)
    {
        await using var stream = await _store.OpenReadAsync(key, offset, CancellationToken.None);
        using var copy = new MemoryStream();
        await stream.CopyToAsync(copy);
        return copy.ToArray();
    }
}
