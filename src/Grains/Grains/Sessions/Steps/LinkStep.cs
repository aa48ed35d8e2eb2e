using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using UploadProxy.Grains.Diagnostics;
using UploadProxy.Integrations.Notion;
using UploadProxy.Persistence;

namespace UploadProxy.Grains.Sessions.Steps;

/// <summary>
/// Creates the session's Notion row, exactly once: a create whose outcome is unknown (crash, timeout, lost
/// connection, 5xx, 409) is followed by a lookup, which trusts "not found" only once Notion's index lag has passed
/// since that create ended. What to conclude from a failure is <see cref="NotionFailurePolicy"/>'s decision.
/// </summary>
public sealed partial class LinkStep(
    NotionClient notion,
    IOptions<NotionOptions> notionOptions,
    IOptions<StandaloneOptions> standaloneOptions,
    TimeProvider timeProvider,
    ILogger<LinkStep> logger)
{
    private readonly NotionOptions _notion = notionOptions.Value;

    public async Task<StepOutcome> RunAsync(IStepSession session, CancellationToken cancellationToken)
    {
        var creating = false;
        try
        {
            if (session.State.NotionCreateAttemptedAt is not null)
            {
                if (session.State.NotionCreateEndedAt is null)
                {
                    // Saved before any lookup relies on it.
                    await session.TransitionAsync(session.State.LinkAttemptCutOff(timeProvider.GetUtcNow()));
                }

                var trustedFrom = session.State.NotionCreateEndedAt!.Value + _notion.QueryIndexLag;
                var existing = await notion.FindBySessionIdAsync(session.Id, cancellationToken);
                if (existing is null && timeProvider.GetUtcNow() < trustedFrom)
                {
                    await Task.Delay(trustedFrom - timeProvider.GetUtcNow(), timeProvider, cancellationToken);
                    existing = await notion.FindBySessionIdAsync(session.Id, cancellationToken);
                }

                if (existing is not null)
                {
                    LogRowAdopted(session.Id, existing.Id);
                    await session.TransitionAsync(session.State.Linked(existing));
                    return StepOutcome.Progressed;
                }
            }

            await session.TransitionAsync(session.State.LinkAttempted(timeProvider.GetUtcNow()));
            creating = true;
            var page = await notion.CreatePageAsync(Row(session.Id, session.State), cancellationToken);
            await session.TransitionAsync(session.State.Linked(page));
            LogLinked(session.Id, page.Id);
            return StepOutcome.Progressed;
        }
        catch (NotionException ex) when (ex.IsTransient)
        {
            LogTransientFailure(session.Id, ex.Code);
            UploadProxyMetrics.Retries.Add(1, new KeyValuePair<string, object?>("target", "notion"));
            await session.TransitionAsync(session.State.LinkFailed(ex.Message, creating, ex.OutcomeUnknown, timeProvider.GetUtcNow()));
            return StepOutcome.FailedTransiently;
        }
        catch (NotionException ex)
        {
            // Final: a refusal, or a row that can never be written (NotionFailurePolicy decides).
            LogRejected(session.Id, ex.Code, ex.Message);
            notion.ForgetDatabase();
            await session.TransitionAsync(session.State.LinkRejected(ex.Message, createSent: creating));
            return StepOutcome.Progressed;
        }
    }

    private NotionRow Row(string sessionId, UploadSessionState state) => new()
    {
        SessionId = sessionId,
        FileName = state.FileName ?? DocumentNames.DefaultFileName,
        Url = new Uri(new Uri(standaloneOptions.Value.PublicBaseUrl), state.Storage!.SecureUrl).AbsoluteUri,
        Size = state.Length ?? 0,
        UploadedAt = state.UploadedTime ?? state.UpdatedTime,
        BatchId = state.BatchId,
        PageCount = state.PageCount,
        Text = state.TextExcerpt,
        Metadata = state.Metadata,
    };

    [LoggerMessage(Level = LogLevel.Information, Message = "Session {SessionId} linked as Notion page {PageId}")]
    private partial void LogLinked(string sessionId, string pageId);

    [LoggerMessage(Level = LogLevel.Information, Message = "Session {SessionId} adopted the Notion page {PageId} an earlier attempt created")]
    private partial void LogRowAdopted(string sessionId, string pageId);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Session {SessionId} Notion request failed transiently ({Code}); it is retried")]
    private partial void LogTransientFailure(string sessionId, string code);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Session {SessionId} Notion linking refused ({Code}): {Message}")]
    private partial void LogRejected(string sessionId, string code, string message);
}
