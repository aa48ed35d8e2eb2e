using UploadProxy.Persistence.Staging;

namespace UploadProxy.Gateway.Sessions;

/// <summary>
/// A staging write whose faults come out as <see cref="StagingFaultException"/>, so that an I/O error of the gateway's
/// own disk or database is told apart from one of the client's stream.
/// </summary>
internal sealed class GuardedStagingWriter : IStagingWriter
{
    private readonly IStagingWriter _writer;
    private bool _faulted;

    private GuardedStagingWriter(IStagingWriter writer) => _writer = writer;

    public static async Task<IStagingWriter> BeginAsync(IDocumentStagingStore staging, string sessionId, CancellationToken cancellationToken)
    {
        try
        {
            return new GuardedStagingWriter(await staging.BeginAsync(sessionId, cancellationToken));
        }
        catch (Exception ex) when (StagingFaultException.IsStorageFault(ex))
        {
            throw StagingFaultException.From(ex);
        }
    }

    public async ValueTask WriteAsync(ReadOnlyMemory<byte> data, CancellationToken cancellationToken)
    {
        try
        {
            await _writer.WriteAsync(data, cancellationToken);
        }
        catch (Exception ex) when (StagingFaultException.IsStorageFault(ex))
        {
            _faulted = true;
            throw StagingFaultException.From(ex);
        }
    }

    public async Task<string> CommitAsync(string sha256, CancellationToken cancellationToken)
    {
        try
        {
            return await _writer.CommitAsync(sha256, cancellationToken);
        }
        catch (Exception ex) when (StagingFaultException.IsStorageFault(ex))
        {
            _faulted = true;
            throw StagingFaultException.From(ex);
        }
    }

    public async ValueTask DisposeAsync()
    {
        try
        {
            await _writer.DisposeAsync();
        }
        catch (Exception ex) when (_faulted && StagingFaultException.IsStorageFault(ex))
        {
            // Disposing discards the partial bytes; on a full disk its flush fails again, which must not hide the
            // fault already raised. What is left over, the sweep of abandoned writes deletes.
        }
        catch (Exception ex) when (StagingFaultException.IsStorageFault(ex))
        {
            throw StagingFaultException.From(ex);
        }
    }
}
