namespace UploadProxy.Fakes.Cloudinary;

/// <summary>
/// Assembles files sent in chunks that share an <c>X-Unique-Upload-Id</c>. Chunks must come in order; a chunk that
/// starts where an earlier one of the same upload started replaces it and everything after it, so that a client
/// retrying a chunk, or starting the file over, is accepted. Every chunk of a file must carry the same parameters
/// (public id and the rest), as Cloudinary requires.
/// </summary>
internal sealed class ChunkedUploads(TempFolder folder)
{
    public const long MinimumChunkBytes = 5 * 1024 * 1024;

    private readonly Lock _lock = new();
    private readonly Dictionary<string, Upload> _uploads = new(StringComparer.Ordinal);

    /// <param name="parameters">The chunk's signed parameters but its timestamp, which each chunk signs afresh.</param>
    public async Task<ChunkOutcome> AddAsync(string uploadId, ContentRange range, IFormFile chunk, string parameters)
    {
        if (chunk.Length != range.Length)
        {
            return ChunkOutcome.Rejected($"Chunk of {chunk.Length} bytes does not match Content-Range bytes {range.Start}-{range.End} ({range.Length} bytes)");
        }

        var saved = new SavedChunk(range.Start, range.End, await folder.SaveAsync(chunk));
        Acceptance accepted;
        lock (_lock)
        {
            accepted = Accept(uploadId, range, saved, parameters);
        }

        if (accepted.Error is not null)
        {
            File.Delete(saved.Path);
            return ChunkOutcome.Rejected(accepted.Error);
        }

        Delete(accepted.Replaced);
        return accepted.Completed is { } completed
            ? ChunkOutcome.Completed(await AssembleAsync(completed))
            : ChunkOutcome.NotDone(range.End + 1);
    }

    private Acceptance Accept(string uploadId, ContentRange range, SavedChunk saved, string parameters)
    {
        var upload = _uploads.GetValueOrDefault(uploadId) ?? new Upload();
        var received = upload.Chunks.Count == 0 ? 0 : upload.Chunks[^1].End + 1;
        var kept = range.Start == received ? upload.Chunks.Count : upload.Chunks.FindIndex(c => c.Start == range.Start);
        if (kept < 0)
        {
            return Acceptance.Refused($"Chunk starts at byte {range.Start} but {received} bytes of upload {uploadId} were received");
        }

        if (kept > 0 && upload.Parameters != parameters)
        {
            return Acceptance.Refused($"Chunk parameters '{parameters}' differ from '{upload.Parameters}' of earlier chunks of upload {uploadId}");
        }

        if (range.IsTotalKnown && upload.Total != ContentRange.UnknownTotal && range.Total != upload.Total)
        {
            return Acceptance.Refused($"Content-Range total {range.Total} differs from the total {upload.Total} of earlier chunks");
        }

        var total = range.IsTotalKnown ? range.Total : upload.Total;
        if (total != ContentRange.UnknownTotal && range.End >= total)
        {
            return Acceptance.Refused($"Chunk ends at byte {range.End}, past the file's {total} bytes");
        }

        var isLast = range.End + 1 == total;
        if (!isLast && range.Length < MinimumChunkBytes)
        {
            return Acceptance.Refused($"Chunk of {range.Length} bytes is smaller than {MinimumChunkBytes} bytes, the minimum for every chunk but the last");
        }

        var replaced = upload.Chunks[kept..];
        upload.Chunks.RemoveRange(kept, upload.Chunks.Count - kept);
        upload.Chunks.Add(saved);
        upload.Total = total;
        upload.Parameters = parameters;
        if (isLast)
        {
            _uploads.Remove(uploadId);
            return new Acceptance(null, replaced, upload.Chunks);
        }

        _uploads[uploadId] = upload;
        return new Acceptance(null, replaced, null);
    }

    private async Task<string> AssembleAsync(List<SavedChunk> chunks)
    {
        if (chunks is [var only])
        {
            return only.Path;
        }

        var path = folder.NewFilePath();
        await using (var target = TempFolder.CreateFile(path))
        {
            foreach (var chunk in chunks)
            {
                await using var source = TempFolder.OpenRead(chunk.Path);
                await source.CopyToAsync(target);
            }
        }

        Delete(chunks);
        return path;
    }

    private static void Delete(IEnumerable<SavedChunk> chunks)
    {
        foreach (var chunk in chunks)
        {
            File.Delete(chunk.Path);
        }
    }

    private sealed class Upload
    {
        public List<SavedChunk> Chunks { get; } = [];

        public long Total { get; set; } = ContentRange.UnknownTotal;

        public string Parameters { get; set; } = "";
    }

    private sealed record SavedChunk(long Start, long End, string Path);

    private sealed record Acceptance(string? Error, List<SavedChunk> Replaced, List<SavedChunk>? Completed)
    {
        public static Acceptance Refused(string error) => new(error, [], null);
    }
}

/// <summary>What became of a chunk: refused with a reason, accepted, or accepted as the last one of a file now complete.</summary>
internal sealed record ChunkOutcome(string? Error, string? CompletedFilePath, long ReceivedBytes)
{
    public static ChunkOutcome NotDone(long receivedBytes) => new(null, null, receivedBytes);

    public static ChunkOutcome Rejected(string error) => new(error, null, 0);

    public static ChunkOutcome Completed(string filePath) => new(null, filePath, 0);
}
