using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using UploadProxy.Integrations.Documents;
using UploadProxy.Integrations.Notion;
using UploadProxy.Persistence.Staging;

namespace UploadProxy.Grains.Sessions.Steps;

/// <summary>
/// Reads the stored PDF's page count and text while its staged bytes are still there, then lets go of them. The
/// inspection was counted as started in the write that recorded the upload, so a session found with it started and
/// not finished (the process died reading a hostile PDF) is not read again.
/// </summary>
public sealed partial class InspectStep(IDocumentInspector inspector, IDocumentStagingStore staging, IOptions<NotionOptions> notionOptions, ILogger<InspectStep> logger)
{
    private readonly NotionOptions _notion = notionOptions.Value;

    /// <param name="startedInThisActivation">True when this activation took the transition that started the inspection.</param>
    public async Task<StepOutcome> RunAsync(IStepSession session, bool startedInThisActivation, CancellationToken cancellationToken)
    {
        var state = session.State;
        if (state.InspectionStartedAt is not null && !startedInThisActivation)
        {
            LogAbandoned(session.Id);
            await session.TransitionAsync(state.InspectionAbandoned());
            return StepOutcome.Progressed;
        }

        await session.TransitionAsync(state.Inspected(await InspectAsync(state.StagingKey!, cancellationToken)));
        return StepOutcome.Progressed;
    }

    /// <summary>Off the grain's scheduler, since parsing is CPU work.</summary>
    private async Task<PdfSummary?> InspectAsync(string stagingKey, CancellationToken cancellationToken)
    {
        await using var source = await staging.OpenReadAsync(stagingKey, 0, cancellationToken);
        var maxText = _notion.TextExcerptLength;
        if (source.CanSeek)
        {
            return await Task.Run(() => inspector.Inspect(source, maxText), cancellationToken);
        }

        // PdfPig needs to seek; a database stream is copied to a temporary file first.
        await using var copy = new FileStream(Path.GetTempFileName(), FileMode.Create, FileAccess.ReadWrite, FileShare.None, 64 * 1024, FileOptions.DeleteOnClose);
        await source.CopyToAsync(copy, cancellationToken);
        copy.Position = 0;
        return await Task.Run(() => inspector.Inspect(copy, maxText), cancellationToken);
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Session {SessionId} was reading its PDF when its process stopped; it is linked without the PDF's pages and text")]
    private partial void LogAbandoned(string sessionId);
}
