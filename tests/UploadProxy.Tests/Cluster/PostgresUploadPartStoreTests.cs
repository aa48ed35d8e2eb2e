using Npgsql;
using UploadProxy.Grains;
using UploadProxy.Persistence.Staging;
using UploadProxy.Tests.Support;

namespace UploadProxy.Tests.Cluster;

/// <summary>The parts of tus uploads in PostgreSQL: appended PATCH by PATCH at any offset, each PATCH one transaction.</summary>
public sealed class PostgresUploadPartStoreTests : IAsyncLifetime
{
    private NpgsqlDataSource _dataSource = null!;
    private PostgresUploadPartStore _store = null!;

    public async Task InitializeAsync()
    {
        var server = await PostgresServer.SharedAsync();
        _dataSource = NpgsqlDataSource.Create(await server.CreateDatabaseAsync());
        _store = new PostgresUploadPartStore(_dataSource);
    }

    public async Task DisposeAsync() => await _dataSource.DisposeAsync();

    [Fact]
    public async Task Patches_at_offsets_inside_chunks_read_back_as_the_whole_file()
    {
        var id = SessionId.New();
        var pdf = SamplePdf.Create(minimumBytes: (int)(2.7 * PostgresStagingStore.ChunkSize), seed: 11);
        var cuts = new[] { 0, 700_000, PostgresStagingStore.ChunkSize + 5, 2 * PostgresStagingStore.ChunkSize + 300_001, pdf.Length };
        for (var i = 0; i < cuts.Length - 1; i++)
        {
            await PatchAsync(id, cuts[i], pdf[cuts[i]..cuts[i + 1]], commit: true);
        }

        Assert.Equal(pdf, await ReadAsync(id, pdf.Length));
    }

    [Fact]
    public async Task A_patch_that_does_not_commit_leaves_the_part_as_it_was()
    {
        var id = SessionId.New();
        var pdf = SamplePdf.Create(minimumBytes: 2 * PostgresStagingStore.ChunkSize, seed: 12);
        await PatchAsync(id, 0, pdf[..1_500_000], commit: true);

        await PatchAsync(id, 1_500_000, new byte[600_000], commit: false);

        Assert.Equal(pdf[..1_500_000], await ReadAsync(id, 1_500_000));
        await PatchAsync(id, 1_500_000, pdf[1_500_000..], commit: true);
        Assert.Equal(pdf, await ReadAsync(id, pdf.Length));
    }

    [Fact]
    public async Task Delete_removes_every_chunk_of_the_part()
    {
        var id = SessionId.New();
        await PatchAsync(id, 0, SamplePdf.Create(minimumBytes: 3 * PostgresStagingStore.ChunkSize, seed: 13), commit: true);

        await _store.DeleteAsync(id, CancellationToken.None);

        await using var count = _dataSource.CreateCommand("SELECT count(*) FROM staged_document_chunks");
        Assert.Equal(0L, await count.ExecuteScalarAsync());
    }

    [Fact]
    public async Task Only_parts_nothing_was_written_to_since_the_cutoff_are_listed_for_the_sweep()
    {
        var idle = SessionId.New();
        var active = SessionId.New();
        await PatchAsync(idle, 0, SamplePdf.Create(minimumBytes: 2 * PostgresStagingStore.ChunkSize, seed: 14), commit: true);
        await PatchAsync(active, 0, SamplePdf.Create(seed: 15), commit: true);
        // The idle part's last PATCH was two hours ago; a staged document's chunks are not parts and never listed.
        await using (var age = _dataSource.CreateCommand("UPDATE staged_document_chunks SET written_at = now() - interval '2 hours' WHERE staging_key = $1"))
        {
            age.Parameters.AddWithValue($"tus/{idle}");
            await age.ExecuteNonQueryAsync();
        }

        var staging = new PostgresStagingStore(_dataSource);
        await staging.StageAsync(SessionId.New(), SamplePdf.Create(seed: 16));

        var listed = await _store.ListUntouchedSinceAsync(DateTimeOffset.UtcNow.AddHours(-1), CancellationToken.None).ToListAsync();

        Assert.Equal([idle], listed);
    }

    private async Task PatchAsync(string id, long offset, byte[] bytes, bool commit)
    {
        await using var writer = await _store.OpenAtAsync(id, offset, CancellationToken.None);
        await writer.WriteAsync(bytes, CancellationToken.None);
        if (commit)
        {
            await writer.CommitAsync(CancellationToken.None);
        }
    }

    private async Task<byte[]> ReadAsync(string id, long length)
    {
        await using var source = await _store.OpenReadAsync(id, length, CancellationToken.None);
        using var copy = new MemoryStream();
        await source.CopyToAsync(copy);
        return copy.ToArray();
    }
}
