namespace UploadProxy.Persistence.Staging;

/// <summary>
/// The bytes of a resumable (tus) upload received so far, one growing part per session. Unlike a <c>send</c>, whose
/// document is staged whole, a part is appended to in pieces, each made durable before its offset is acknowledged;
/// once the last byte is in, it is copied into the <see cref="IDocumentStagingStore"/> like any sent document.
/// </summary>
public interface IUploadPartStore
{
    /// <summary>
    /// Starts writing the session's part at <paramref name="offset"/>: whatever lies at or after it (a tail written
    /// before a crash, never acknowledged) is overwritten. Nothing is durable until <see cref="IPartWriter.CommitAsync"/>.
    /// </summary>
    Task<IPartWriter> OpenAtAsync(string sessionId, long offset, CancellationToken cancellationToken);

    /// <summary>Reads the part's first <paramref name="length"/> bytes, for its hash and its copy into staging.</summary>
    Task<Stream> OpenReadAsync(string sessionId, long length, CancellationToken cancellationToken);

    /// <summary>Deletes the session's part; deleting what is not there is not an error.</summary>
    Task DeleteAsync(string sessionId, CancellationToken cancellationToken);

    /// <summary>
    /// The sessions whose part nothing has written to since <paramref name="cutoff"/>: candidates for the sweep of
    /// parts a crash or a PATCH racing an expiry left behind, each to be deleted only if its session no longer needs it.
    /// </summary>
    IAsyncEnumerable<string> ListUntouchedSinceAsync(DateTimeOffset cutoff, CancellationToken cancellationToken);
}

/// <summary>One PATCH's bytes appended to a part. Disposing it without commit takes the part back to where it began.</summary>
public interface IPartWriter : IAsyncDisposable
{
    /// <summary>Appends bytes after those written so far.</summary>
    ValueTask WriteAsync(ReadOnlyMemory<byte> data, CancellationToken cancellationToken);

    /// <summary>Makes the part durable up to the last byte written (fsync, or a committed transaction).</summary>
    Task CommitAsync(CancellationToken cancellationToken);
}
