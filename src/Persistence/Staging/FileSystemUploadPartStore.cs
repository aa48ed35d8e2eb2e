namespace UploadProxy.Persistence.Staging;

/// <summary>Parts on the local disk, for the one-machine mode: one file per upload under <c>staging/tus</c>, fsynced at each commit.</summary>
public sealed class FileSystemUploadPartStore : IUploadPartStore
{
    private readonly string _root;

    public FileSystemUploadPartStore(string stagingRoot)
    {
        // Apart from staging's own files, so neither its sweep nor its listing ever sees a part.
        _root = Path.Combine(Path.GetFullPath(stagingRoot), "tus");
        Directory.CreateDirectory(_root);
    }

    public Task<IPartWriter> OpenAtAsync(string sessionId, long offset, CancellationToken cancellationToken)
    {
        var stream = new FileStream(PathOf(sessionId), FileMode.OpenOrCreate, FileAccess.Write, FileShare.Read, bufferSize: 0, FileOptions.None);
        if (stream.Length < offset)
        {
            stream.Dispose();
            throw new InvalidOperationException($"The part of {sessionId} holds {stream.Length} bytes, fewer than the offset {offset} its session acknowledged.");
        }

        stream.Position = offset;
        return Task.FromResult<IPartWriter>(new Writer(stream, offset));
    }

    public Task<Stream> OpenReadAsync(string sessionId, long length, CancellationToken cancellationToken) =>
        Task.FromResult<Stream>(new FileStream(PathOf(sessionId), FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete, 64 * 1024, FileOptions.SequentialScan));

    public Task DeleteAsync(string sessionId, CancellationToken cancellationToken)
    {
        File.Delete(PathOf(sessionId));
        return Task.CompletedTask;
    }

    public async IAsyncEnumerable<string> ListUntouchedSinceAsync(
        DateTimeOffset cutoff, [System.Runtime.CompilerServices.EnumeratorCancellation] CancellationToken cancellationToken)
    {
        await Task.CompletedTask;
        foreach (var part in new DirectoryInfo(_root).EnumerateFiles("*.part"))
        {
            cancellationToken.ThrowIfCancellationRequested();
            var sessionId = Path.GetFileNameWithoutExtension(part.Name);
            if (UploadProxy.Grains.SessionId.IsValid(sessionId) && part.LastWriteTimeUtc < cutoff.UtcDateTime)
            {
                yield return sessionId;
            }
        }
    }

    private string PathOf(string sessionId) =>
        UploadProxy.Grains.SessionId.IsValid(sessionId)
            ? Path.Combine(_root, sessionId + ".part")
            : throw new ArgumentException("Not a session id.", nameof(sessionId));

    private sealed class Writer(FileStream stream, long start) : IPartWriter
    {
        private bool _committed;
        private bool _disposed;

        public ValueTask WriteAsync(ReadOnlyMemory<byte> data, CancellationToken cancellationToken)
        {
            // Synchronous into the page cache: cheaper than the thread-pool hop of an "asynchronous" file write on Linux.
            stream.Write(data.Span);
            return ValueTask.CompletedTask;
        }

        public Task CommitAsync(CancellationToken cancellationToken)
        {
            // A longer tail left by an unacknowledged write before a crash is cut off: the part ends where this PATCH did.
            stream.SetLength(stream.Position);
            stream.Flush(flushToDisk: true);
            _committed = true;
            return Task.CompletedTask;
        }

        public ValueTask DisposeAsync()
        {
            if (_disposed)
            {
                return ValueTask.CompletedTask;
            }

            _disposed = true;
            if (!_committed)
            {
                // Nothing of a refused PATCH is kept (a checksum mismatch, a body past Upload-Length, a cut connection).
                stream.SetLength(start);
            }

            return stream.DisposeAsync();
        }
    }
}
