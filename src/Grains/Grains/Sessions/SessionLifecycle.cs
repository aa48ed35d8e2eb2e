using UploadProxy.Integrations.Documents;
using UploadProxy.Integrations.Notion;

namespace UploadProxy.Grains.Sessions;

/// <summary>What a session has left to do, read from its state alone: the same answer after any crash.</summary>
public enum SessionStep
{
    /// <summary>Nothing: the session waits for its document, or has ended.</summary>
    None,

    /// <summary>Store the staged bytes under the planned public id.</summary>
    Store,

    /// <summary>Read the stored PDF's pages and text for its Notion row, then let go of the staged bytes.</summary>
    Inspect,

    /// <summary>Create the session's Notion row, or adopt the one an earlier attempt created.</summary>
    Link,
}

/// <summary>
/// Every transition of an upload session, and <see cref="NextStep"/>. Each transition is guarded by the states it may
/// come from and names both when the move is illegal; no other code changes a session's status.
/// </summary>
/// <remarks>
/// <code>
/// pending ──accept──▶ uploading ──stored──▶ uploaded ──linked──▶ linked
///    │                  │  ▲                 │   ▲
///  expire         store │  │ store failed    │   │ link retried
///    ▼          rejected▼  └─(transient)     ▼   │
/// expired             failed           notion failed (link rejected)
/// </code>
/// A tus session stays pending while its bytes come (<see cref="BytesReceived"/>, which slides its expiry), takes the
/// same accept with its last byte, and may be terminated (→ expired) or refused as not a PDF (→ failed) before that.
/// </remarks>
public static class SessionLifecycle
{
    public const string ExpiredCode = "session_expired";
    public const string InspectionAbandonedCode = "inspection_abandoned";
    public const string TerminatedCode = "upload_terminated";

    public static SessionStep NextStep(this UploadSessionState state) => state switch
    {
        { Status: SessionStatus.Uploading } => SessionStep.Store,
        { Status: SessionStatus.Uploaded, StagingKey: not null } => SessionStep.Inspect,
        { Status: SessionStatus.Uploaded, Notion.Status: NotionLinkStatus.Pending } => SessionStep.Link,
        _ => SessionStep.None,
    };

    /// <summary>Why a send is answered without changing the session, or null when the session takes the document.</summary>
    public static SendOutcome? SendRefusal(this UploadSessionState state, StagedDocument document) => state switch
    {
        { Sha256: { } accepted } => accepted == document.Sha256 ? SendOutcome.AlreadyAccepted : SendOutcome.Conflict,
        { Status: SessionStatus.Expired } => SendOutcome.Expired,
        { DeclaredLength: { } declared } when declared != document.Length => SendOutcome.LengthMismatch,
        _ => null,
    };

    /// <summary>A new session, waiting for its document until <paramref name="lifetime"/> has passed.</summary>
    public static UploadSessionState Created(CreateSessionCommand command, string publicIdPrefix, bool linksToNotion, DateTimeOffset now, TimeSpan lifetime) => new()
    {
        Status = SessionStatus.Pending,
        FileName = command.FileName,
        ContentType = command.ContentType,
        DeclaredLength = command.ContentLength,
        BatchId = command.BatchId,
        Metadata = new Dictionary<string, string>(command.Metadata),
        PublicIdPrefix = publicIdPrefix,
        Notion = new NotionLink(linksToNotion ? NotionLinkStatus.Pending : NotionLinkStatus.Disabled, null, null),
        CreatedTime = now,
        UpdatedTime = now,
        ExpiryTime = now + lifetime,
        Protocol = command.Protocol,
        WebhookUrl = command.WebhookUrl,
    };

    /// <summary>Why a tus PATCH may not write at <paramref name="offset"/>, or null when it may (the hold aside).</summary>
    public static PatchOutcome? PatchRefusal(this UploadSessionState state, long offset, long? uploadLength) => state switch
    {
        { Protocol: not UploadProtocol.Tus } => PatchOutcome.NotFound,
        { Status: SessionStatus.Expired } => PatchOutcome.Expired,
        { Status: not SessionStatus.Pending } => PatchOutcome.Finished,
        { DeclaredLength: { } declared } when uploadLength is { } given && given != declared => PatchOutcome.LengthConflict,
        _ when offset != state.ReceivedBytes => PatchOutcome.WrongOffset,
        _ => null,
    };

    /// <summary>
    /// pending: a tus PATCH made its bytes durable up to <paramref name="offset"/> (and may have declared the length it
    /// deferred at creation); the upload lives another <paramref name="lifetime"/> from now.
    /// </summary>
    public static UploadSessionState BytesReceived(this UploadSessionState state, long offset, long? uploadLength, DateTimeOffset now, TimeSpan lifetime) =>
        state.Require(nameof(BytesReceived), SessionStatus.Pending) is { Protocol: UploadProtocol.Tus } tus && offset >= tus.ReceivedBytes
            ? tus with { ReceivedBytes = offset, DeclaredLength = tus.DeclaredLength ?? uploadLength, ExpiryTime = now + lifetime }
            : throw new InvalidSessionTransitionException(state, nameof(BytesReceived));

    /// <summary>pending → expired: the client terminated the tus upload before its last byte; its bytes go.</summary>
    public static UploadSessionState Terminated(this UploadSessionState state) =>
        state.Require(nameof(Terminated), SessionStatus.Pending) with
        {
            Status = SessionStatus.Expired,
            Error = new SessionError(TerminatedCode, "The client terminated the upload before its last byte."),
        };

    /// <summary>pending → failed: the tus upload's first bytes are not a PDF; its bytes go.</summary>
    public static UploadSessionState DocumentRefused(this UploadSessionState state, SessionError error) =>
        state.Require(nameof(DocumentRefused), SessionStatus.Pending) with { Status = SessionStatus.Failed, Error = error };

    /// <summary>pending → uploading: the document is the session's, its public id fixed before any upload; the first attempt is counted.</summary>
    public static UploadSessionState Accepted(this UploadSessionState state, StagedDocument document, string fileName, string publicId) =>
        state.Require(nameof(Accepted), SessionStatus.Pending) with
        {
            Status = SessionStatus.Uploading,
            FileName = fileName,
            Sha256 = document.Sha256,
            Length = document.Length,
            StagingKey = document.StagingKey,
            PublicId = publicId,
            ChunkedUploadId = Guid.NewGuid().ToString("N"),
            Attempts = state.Attempts + 1,
        };

    /// <summary>uploading: one more attempt, saved before it starts so that the count survives a crash.</summary>
    public static UploadSessionState StoreAttempted(this UploadSessionState state) =>
        state.Require(nameof(StoreAttempted), SessionStatus.Uploading) with { Attempts = state.Attempts + 1 };

    /// <summary>uploading: an attempt failed in a way a later attempt may not.</summary>
    public static UploadSessionState StoreFailed(this UploadSessionState state, SessionError error) =>
        state.Require(nameof(StoreFailed), SessionStatus.Uploading) with { Error = error };

    /// <summary>
    /// uploading → uploaded. When the PDF is to be inspected, its staged bytes are kept and the inspection counts as
    /// started in this same write, so that a PDF that crashes the process is never read again.
    /// </summary>
    public static UploadSessionState Stored(this UploadSessionState state, StoredAsset asset, bool inspect, DateTimeOffset now) =>
        state.Require(nameof(Stored), SessionStatus.Uploading) with
        {
            Status = SessionStatus.Uploaded,
            Storage = asset,
            Error = null,
            UploadedTime = now,
            StagingKey = inspect ? state.StagingKey : null,
            InspectionStartedAt = inspect ? now : null,
        };

    /// <summary>uploading → failed: the store refused the document for good; the staged bytes go.</summary>
    public static UploadSessionState StoreRejected(this UploadSessionState state, SessionError error) =>
        state.Require(nameof(StoreRejected), SessionStatus.Uploading) with { Status = SessionStatus.Failed, Error = error, StagingKey = null };

    /// <summary>uploaded: the PDF was read (or could not be parsed: <paramref name="summary"/> null); the staged bytes go.</summary>
    public static UploadSessionState Inspected(this UploadSessionState state, PdfSummary? summary) =>
        state.RequireStaged(nameof(Inspected)) with
        {
            PageCount = summary?.PageCount,
            TextExcerpt = summary?.Text,
            StagingKey = null,
            InspectionStartedAt = null,
        };

    /// <summary>
    /// uploaded: the session was activated again with its inspection started and never finished: the process died
    /// while reading the PDF. It is not read again; the row is made without the PDF's facts, and the error says why.
    /// </summary>
    public static UploadSessionState InspectionAbandoned(this UploadSessionState state) =>
        state.RequireStaged(nameof(InspectionAbandoned)) with
        {
            StagingKey = null,
            InspectionStartedAt = null,
            InspectionError = new SessionError(
                InspectionAbandonedCode,
                "The process stopped while reading this PDF, so it was not read again: its Notion row has no page count or text."),
        };

    /// <summary>uploaded: a page create is about to be sent; until its outcome is known, a row may exist that the session has not recorded.</summary>
    public static UploadSessionState LinkAttempted(this UploadSessionState state, DateTimeOffset now) =>
        state.RequireLinking(nameof(LinkAttempted)) with { NotionCreateAttemptedAt = now, NotionCreateEndedAt = null };

    /// <summary>
    /// uploaded: a create attempt was cut off with its process or activation (a crash, a lost silo, a hand-over) and has
    /// surely ended by <paramref name="now"/>, when the session resumes; the index lag counts from here.
    /// </summary>
    public static UploadSessionState LinkAttemptCutOff(this UploadSessionState state, DateTimeOffset now) =>
        state.RequireLinking(nameof(LinkAttemptCutOff)) is { NotionCreateAttemptedAt: not null, NotionCreateEndedAt: null } cut
            ? cut with { NotionCreateEndedAt = now }
            : throw new InvalidSessionTransitionException(state, nameof(LinkAttemptCutOff));

    /// <summary>
    /// uploaded: a Notion request failed in a way a later attempt may not. A create Notion surely did not carry out
    /// (429, 529) leaves nothing to look up; one whose outcome is unknown is looked up next, the index lag counted from
    /// <paramref name="now"/>, when the attempt ended. A failed lookup changes neither.
    /// </summary>
    public static UploadSessionState LinkFailed(this UploadSessionState state, string message, bool createSent, bool outcomeUnknown, DateTimeOffset now) =>
        state.RequireLinking(nameof(LinkFailed)) with
        {
            Error = new SessionError("notion_unavailable", message),
            NotionCreateAttemptedAt = createSent && !outcomeUnknown ? null : state.NotionCreateAttemptedAt,
            NotionCreateEndedAt = !createSent ? state.NotionCreateEndedAt : outcomeUnknown ? now : null,
        };

    /// <summary>uploaded → linked: the row exists, made now or by an earlier attempt.</summary>
    public static UploadSessionState Linked(this UploadSessionState state, NotionPage page) =>
        state.RequireLinking(nameof(Linked)) with
        {
            Status = SessionStatus.Linked,
            Notion = new NotionLink(NotionLinkStatus.Linked, page.Id, page.Url),
            Error = null,
            NotionCreateAttemptedAt = null,
            NotionCreateEndedAt = null,
        };

    /// <summary>
    /// uploaded, Notion failed: Notion refused the row for good, or the row can never be written; the document stays
    /// stored, and <see cref="LinkRetried"/> can run linking again. It never loops.
    /// </summary>
    public static UploadSessionState LinkRejected(this UploadSessionState state, string message, bool createSent) =>
        state.RequireLinking(nameof(LinkRejected)) with
        {
            Notion = new NotionLink(NotionLinkStatus.Failed, null, null),
            Error = new SessionError("notion_rejected", message),
            NotionCreateAttemptedAt = createSent ? null : state.NotionCreateAttemptedAt,
            NotionCreateEndedAt = createSent ? null : state.NotionCreateEndedAt,
        };

    /// <summary>uploaded, Notion failed → Notion pending: linking runs again, by request.</summary>
    public static UploadSessionState LinkRetried(this UploadSessionState state) =>
        state.Require(nameof(LinkRetried), SessionStatus.Uploaded) is { Notion.Status: NotionLinkStatus.Failed } failed
            ? failed with { Notion = new NotionLink(NotionLinkStatus.Pending, null, null), Error = null }
            : throw new InvalidSessionTransitionException(state, nameof(LinkRetried));

    /// <summary>pending → expired: no document came within the session's lifetime.</summary>
    public static UploadSessionState Expired(this UploadSessionState state) =>
        state.Require(nameof(Expired), SessionStatus.Pending) with
        {
            Status = SessionStatus.Expired,
            Error = new SessionError(ExpiredCode, "No document was sent before the session expired."),
        };

    public static bool IsDueToExpire(this UploadSessionState state, DateTimeOffset now) =>
        state.Status == SessionStatus.Pending && now >= state.ExpiryTime;

    private static UploadSessionState Require(this UploadSessionState state, string transition, SessionStatus from) =>
        state.Status == from ? state : throw new InvalidSessionTransitionException(state, transition);

    private static UploadSessionState RequireStaged(this UploadSessionState state, string transition) =>
        state is { Status: SessionStatus.Uploaded, StagingKey: not null } ? state : throw new InvalidSessionTransitionException(state, transition);

    private static UploadSessionState RequireLinking(this UploadSessionState state, string transition) =>
        state is { Status: SessionStatus.Uploaded, Notion.Status: NotionLinkStatus.Pending } ? state : throw new InvalidSessionTransitionException(state, transition);
}

/// <summary>A transition asked of a session in a state it cannot come from: a defect, never a client's error.</summary>
public sealed class InvalidSessionTransitionException(UploadSessionState state, string transition)
    : InvalidOperationException($"A session that is {state.Status} (Notion {state.Notion.Status}) cannot take the transition {transition}.");
