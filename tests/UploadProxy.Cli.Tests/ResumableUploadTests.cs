using System.Globalization;
using UploadProxy.Cli.Tests.Support;

namespace UploadProxy.Cli.Tests;

/// <summary><c>upload --resumable</c>: the tus requests the tool makes, and how it settles a contested PATCH.</summary>
public sealed class ResumableUploadTests : IAsyncLifetime, IDisposable
{
    private const int Chunk = 64 * 1024;
    private readonly Documents _documents = new();
    private FakeGateway _gateway = null!;

    public async Task InitializeAsync() => _gateway = await FakeGateway.StartAsync();

    public async Task DisposeAsync() => await _gateway.DisposeAsync();

    public void Dispose() => _documents.Dispose();

    private string[] Upload(params string[] extra) =>
    [
        "upload", _documents.Root, "--gateway", _gateway.Address.ToString(), "--batch", "b1",
        "--resumable", "--chunk-size", Chunk.ToString(CultureInfo.InvariantCulture), .. extra,
    ];

    [Fact]
    public async Task Resumable_upload_creates_over_tus_and_patches_in_chunks_with_the_protocol_headers_and_api_key()
    {
        var pdf = _documents.AddPdf("box/scan one.pdf", seed: 5, size: 3 * Chunk + 1000);

        var run = await CliRunner.RunAsync(Upload("--api-key", "s3cret"));

        Assert.True(run.ExitCode == 0, run.Output);
        Assert.Equal(0, _gateway.Creates);
        Assert.Equal(1, _gateway.TusCreates);
        var session = Assert.Single(_gateway.Sessions);
        Assert.Equal("scan one.pdf", session.Filename);
        Assert.Equal("b1", session.BatchId);
        Assert.Equal(new FileInfo(pdf).Length, session.ContentLength);
        Assert.Equal(Documents.Sha256(pdf), session.Sha256);
        Assert.Equal([0L, Chunk, 2L * Chunk, 3L * Chunk], _gateway.Patches.Select(patch => patch.Offset));
        Assert.Equal([Chunk, Chunk, Chunk, 1000], _gateway.Patches.Select(patch => patch.Length));
        Assert.All(_gateway.TusRequests, request => Assert.Equal("1.0.0", request.TusResumable));
        Assert.All(
            _gateway.TusRequests.Where(request => request.Method == "PATCH"),
            request => Assert.Equal("application/offset+octet-stream", request.ContentType));
        Assert.All(_gateway.Authorizations, header => Assert.Equal("Bearer s3cret", header));
        var entry = _documents.ReadManifest()[pdf];
        Assert.Equal("uploaded", entry.Text("status"));
        Assert.Equal(new Uri(_gateway.Address, $"/api/tus/{session.Id}").AbsoluteUri, entry.Text("tus_url"));
    }

    [Fact]
    public async Task A_patch_whose_answer_was_lost_is_settled_by_head_and_no_chunk_is_sent_twice()
    {
        var pdf = _documents.AddPdf("scan.pdf", seed: 6, size: 4 * Chunk);
        // The second PATCH lands but its 204 never arrives: the retry at the old offset gets 409.
        _gateway.AnswerLostForPatches.Add(2);

        var run = await CliRunner.RunAsync(Upload());

        Assert.True(run.ExitCode == 0, run.Output);
        Assert.Equal([(long)Chunk], _gateway.ConflictingOffsets);
        Assert.Equal([0L, Chunk, 2L * Chunk, 3L * Chunk], _gateway.Patches.Select(patch => patch.Offset));
        Assert.Equal(Documents.Sha256(pdf), Assert.Single(_gateway.Sessions).Sha256);
        Assert.Contains(_gateway.TusRequests, request => request.Method == "HEAD");
    }

    [Fact]
    public async Task A_patch_refused_with_423_is_tried_again_from_heads_offset()
    {
        var pdf = _documents.AddPdf("scan.pdf", seed: 8, size: 2 * Chunk);
        _gateway.LockedPatches = 2;

        var run = await CliRunner.RunAsync(Upload());

        Assert.True(run.ExitCode == 0, run.Output);
        Assert.Equal([0L, Chunk], _gateway.Patches.Select(patch => patch.Offset));
        Assert.Equal(Documents.Sha256(pdf), Assert.Single(_gateway.Sessions).Sha256);
        Assert.Equal("uploaded", _documents.ReadManifest()[pdf].Text("status"));
    }
}
