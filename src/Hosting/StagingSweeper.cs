using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using UploadProxy.Grains;
using UploadProxy.Grains.Sessions;
using UploadProxy.Persistence.Staging;

namespace UploadProxy.Hosting;

/// <summary>
/// Deletes staged bytes their session no longer needs: left by a crash after the session saved "stored" but before
/// it deleted them, by a gateway that died between staging a document and handing it to the session, by a send whose
/// grain call failed with an outcome the gateway could not know, or by a send cut off before its bytes were committed.
/// Likewise the parts of tus uploads no session is still receiving: left by a crash between taking the last byte and
/// deleting the part, or by a PATCH that wrote after its upload expired or was terminated.
/// </summary>
public sealed partial class StagingSweeper(
    IDocumentStagingStore staging,
    IUploadPartStore parts,
    IGrainFactory grains,
    IOptions<SessionOptions> options,
    TimeProvider timeProvider,
    ILogger<StagingSweeper> logger) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(options.Value.StagingSweepInterval, timeProvider);
        while (await timer.WaitForNextTickAsync(stoppingToken))
        {
            try
            {
                await SweepAsync(stoppingToken);
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                LogSweepFailed(ex);
            }
        }
    }

    private async Task SweepAsync(CancellationToken cancellationToken)
    {
        var swept = 0;
        var cutoff = timeProvider.GetUtcNow() - options.Value.StagingOrphanAge;
        await foreach (var key in staging.ListCommittedBeforeAsync(cutoff, cancellationToken))
        {
            if (!await grains.GetGrain<IUploadSessionGrain>(StagingKeys.SessionOf(key)).NeedsStagedDocumentAsync(key))
            {
                await staging.DeleteAsync(key, cancellationToken);
                swept++;
            }
        }

        if (swept > 0)
        {
            LogSwept(swept);
        }

        if (await staging.DeleteAbandonedWritesAsync(cutoff, cancellationToken) is > 0 and var abandoned)
        {
            LogAbandonedWritesDeleted(abandoned);
        }

        await SweepPartsAsync(cutoff, cancellationToken);
    }

    private async Task SweepPartsAsync(DateTimeOffset cutoff, CancellationToken cancellationToken)
    {
        var swept = 0;
        await foreach (var sessionId in parts.ListUntouchedSinceAsync(cutoff, cancellationToken))
        {
            // Untouched for the orphan age is not enough: a client may pause a live upload that long and resume it.
            if (!await grains.GetGrain<IUploadSessionGrain>(sessionId).NeedsUploadPartAsync())
            {
                await parts.DeleteAsync(sessionId, cancellationToken);
                swept++;
            }
        }

        if (swept > 0)
        {
            LogPartsSwept(swept);
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Deleted {Count} tus part(s) no session was still receiving")]
    private partial void LogPartsSwept(int count);

    [LoggerMessage(Level = LogLevel.Information, Message = "Deleted {Count} partly staged document(s) whose send was cut off")]
    private partial void LogAbandonedWritesDeleted(int count);

    [LoggerMessage(Level = LogLevel.Information, Message = "Deleted {Count} staged document(s) no session needed")]
    private partial void LogSwept(int count);

    [LoggerMessage(Level = LogLevel.Warning, Message = "The staging sweep failed; it runs again at its next interval")]
    private partial void LogSweepFailed(Exception exception);
}
