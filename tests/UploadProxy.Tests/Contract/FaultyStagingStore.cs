using UploadProxy.Persistence.Staging;

namespace UploadProxy.Tests.Contract;

/// <summary>The real staging store, whose writes fail as a test tells it to: a full disk, a lost database, a bug.</summary>
public sealed class FaultyStagingStore(IDocumentStagingStore inner) : IDocumentStagingStore
{
    private int _faultsThrown;

    /// <summary>What the next writes throw once their bytes reached the disk; null writes normally.</summary>
    public Func<Exception>? WriteFault { get; set; }

    /// <summary>How many writes failed after their bytes had reached the disk.</summary>
    public int FaultsThrown => _faultsThrown;

    public void Reset()
    {
        WriteFault = null;
        _faultsThrown = 0;
    }

    public async Task<IStagingWriter> BeginAsync(string sessionId, CancellationToken cancellationToken) =>
        new Writer(await inner.BeginAsync(sessionId, cancellationToken), this);

    public Task<Stream> OpenReadAsync(string stagingKey, long offset, CancellationToken cancellationToken) =>
        inner.OpenReadAsync(stagingKey, offset, cancellationToken);

    public Task DeleteAsync(string stagingKey, CancellationToken cancellationToken) => inner.DeleteAsync(stagingKey, cancellationToken);

    public IAsyncEnumerable<string> ListCommittedBeforeAsync(DateTimeOffset cutoff, CancellationToken cancellationToken) =>
        inner.ListCommittedBeforeAsync(cutoff, cancellationToken);

    public Task<int> DeleteAbandonedWritesAsync(DateTimeOffset cutoff, CancellationToken cancellationToken) =>
        inner.DeleteAbandonedWritesAsync(cutoff, cancellationToken);

    private sealed class Writer(IStagingWriter inner, FaultyStagingStore store) : IStagingWriter
    {
        public async ValueTask WriteAsync(ReadOnlyMemory<byte> data, CancellationToken cancellationToken)
        {
            await inner.WriteAsync(data, cancellationToken);
            if (store.WriteFault is { } fault)
            {
                Interlocked.Increment(ref store._faultsThrown);
                throw fault();
            }
        }

        public Task<string> CommitAsync(string sha256, CancellationToken cancellationToken) => inner.CommitAsync(sha256, cancellationToken);

        public ValueTask DisposeAsync() => inner.DisposeAsync();
    }
}
