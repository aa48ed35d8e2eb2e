using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using UploadProxy.Grains.Diagnostics;
using UploadProxy.Integrations.Notion;
using UploadProxy.Integrations.Storage;

namespace UploadProxy.Grains.Sessions.Steps;

/// <summary>Stores the staged bytes under the session's public id: one attempt per run, in one of the process's upload slots.</summary>
public sealed partial class StoreStep(
    IDocumentStore store, UploadSlots slots, IOptions<NotionOptions> notionOptions, TimeProvider timeProvider, ILogger<StoreStep> logger)
{
    private readonly NotionOptions _notion = notionOptions.Value;

    /// <param name="attemptCounted">True when this attempt was already counted, in the write that accepted the document.</param>
    public async Task<StepOutcome> RunAsync(IStepSession session, bool attemptCounted, CancellationToken cancellationToken)
    {
        // The wait for a slot is not an attempt: the attempt is counted once the upload can start.
        using var slot = await slots.AcquireAsync(session.State.BatchId, cancellationToken);
        if (!attemptCounted)
        {
            await session.TransitionAsync(session.State.StoreAttempted());
        }

        var state = session.State;
        var started = timeProvider.GetTimestamp();
        try
        {
            var asset = await store.StoreAsync(
                new DocumentToStore(session.Id, state.PublicId!, state.StagingKey!, state.Length!.Value, state.Sha256!, state.ChunkedUploadId!, state.Attempts),
                cancellationToken);
            LogStored(session.Id, asset.PublicId, state.Attempts);
            UploadProxyMetrics.UploadedBytes.Add(asset.Bytes);
            UploadProxyMetrics.UploadDuration.Record(timeProvider.GetElapsedTime(started).TotalSeconds);
            var inspect = _notion.IsConfigured && state.Length <= _notion.MaxInspectedBytes;
            await session.TransitionAsync(state.Stored(asset, inspect, timeProvider.GetUtcNow()));
            return StepOutcome.Progressed;
        }
        catch (DocumentStoreException ex) when (ex.IsTransient)
        {
            LogTransientFailure(session.Id, state.Attempts, ex.Code);
            UploadProxyMetrics.Retries.Add(1, new KeyValuePair<string, object?>("target", "storage"));
            await session.TransitionAsync(state.StoreFailed(new SessionError(ex.Code, ex.Message)));
            return StepOutcome.FailedTransiently;
        }
        catch (DocumentStoreException ex)
        {
            LogRejected(session.Id, ex.Code, ex.Message);
            await session.TransitionAsync(state.StoreRejected(new SessionError(ex.Code, ex.Message)));
            return StepOutcome.Progressed;
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Session {SessionId} stored as {PublicId} after {Attempts} attempt(s)")]
    private partial void LogStored(string sessionId, string publicId, int attempts);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Session {SessionId} attempt {Attempt} to store failed transiently ({Code}); it is retried")]
    private partial void LogTransientFailure(string sessionId, int attempt, string code);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Session {SessionId} failed for good ({Code}): {Message}")]
    private partial void LogRejected(string sessionId, string code, string message);
}
