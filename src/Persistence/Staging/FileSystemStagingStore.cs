namespace UploadProxy.Persistence.Staging;

/// <summary>Staging on the local disk, for the one-machine mode: one file per committed document, fsynced before commit returns.</summary>
public sealed class FileSystemStagingStore : IDocumentStagingStore
{
    private const int BufferSize = 64 * 1024;
    private readonly string _root;
    private readonly string _incoming;

    public FileSystemStagingStore(string root)
    {
        _root = Path.GetFullPath(root);
        _incoming = Path.Combine(_root, "incoming");
        Directory.CreateDirectory(_incoming);
    }

    public Task<int> DeleteAbandonedWritesAsync(DateTimeOffset cutoff, CancellationToken cancellationToken)
    {
        var deleted = 0;
        foreach (var partial in new DirectoryInfo(_incoming).EnumerateFiles("*.part"))
        {
            if (partial.LastWriteTimeUtc < cutoff.UtcDateTime)
            {
                partial.Delete();
                deleted++;
            }
        }

        return Task.FromResult(deleted);
    }

    public Task<IStagingWriter> BeginAsync(string sessionId, CancellationToken cancellationToken)
    {
        var partial = Path.Combine(_incoming, $"{sessionId}.{Guid.NewGuid():N}.part");
        // Unbuffered and synchronous: the caller writes 64 KiB pieces, and a write to the page cache is a copy, cheaper
        // than the thread-pool hop every "asynchronous" file write takes on Linux.
        var stream = new FileStream(partial, FileMode.CreateNew, FileAccess.Write, FileShare.None, bufferSize: 0, FileOptions.None);
        return Task.FromResult<IStagingWriter>(new Writer(this, sessionId, partial, stream));
    }

    public Task<Stream> OpenReadAsync(string stagingKey, long offset, CancellationToken cancellationToken)
    {
        try
        {
            var stream = new PageCacheReadStream(PathOf(stagingKey));
            stream.Seek(offset, SeekOrigin.Begin);
            return Task.FromResult<Stream>(stream);
        }
        catch (FileNotFoundException)
        {
            throw new StagedDocumentMissingException(stagingKey);
        }
    }

    public Task DeleteAsync(string stagingKey, CancellationToken cancellationToken)
    {
        File.Delete(PathOf(stagingKey));
        return Task.CompletedTask;
    }

    public async IAsyncEnumerable<string> ListCommittedBeforeAsync(DateTimeOffset cutoff, [System.Runtime.CompilerServices.EnumeratorCancellation] CancellationToken cancellationToken)
    {
        await Task.Yield();
        foreach (var file in new DirectoryInfo(_root).EnumerateFiles("*.pdf"))
        {
            cancellationToken.ThrowIfCancellationRequested();
            var key = Path.GetFileNameWithoutExtension(file.Name);
            if (file.LastWriteTimeUtc < cutoff.UtcDateTime && StagingKeys.IsValid(key))
            {
                yield return key;
            }
        }
    }

    private string PathOf(string stagingKey) =>
        StagingKeys.IsValid(stagingKey)
            ? Path.Combine(_root, stagingKey + ".pdf")
            : throw new ArgumentException("Not a staging key.", nameof(stagingKey));

    /// <summary>
    /// A staged file, read from the page cache: its asynchronous reads are done synchronously, since a copy is cheaper
    /// than the thread-pool hop every asynchronous file read takes on Linux.
    /// </summary>
    private sealed class PageCacheReadStream(string path)
        : FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete, BufferSize, FileOptions.SequentialScan)
    {
        public override ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
        {
            cancellationToken.ThrowIfCancellationRequested();
            return ValueTask.FromResult(Read(buffer.Span));
        }

        public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
            ReadAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();
    }

    private sealed class Writer(FileSystemStagingStore store, string sessionId, string partialPath, FileStream stream) : IStagingWriter
    {
        private bool _committed;

        public ValueTask WriteAsync(ReadOnlyMemory<byte> data, CancellationToken cancellationToken)
        {
            stream.Write(data.Span);
            return ValueTask.CompletedTask;
        }

        public async Task<string> CommitAsync(string sha256, CancellationToken cancellationToken)
        {
            stream.Flush(flushToDisk: true);
            await stream.DisposeAsync();
            var key = StagingKeys.For(sessionId, sha256);
            File.Move(partialPath, store.PathOf(key), overwrite: true);
            _committed = true;
            return key;
        }

        public async ValueTask DisposeAsync()
        {
            try
            {
                await stream.DisposeAsync();
            }
            finally
            {
                // Deleted even when the last flush fails (a full disk): partial bytes never stay behind.
                if (!_committed)
                {
                    File.Delete(partialPath);
                }
            }
        }
    }
}
