namespace UploadProxy.Grains.Sessions;

/// <summary>How a saved session state is shown: to callers, and to its batch.</summary>
internal static class SessionViews
{
    public static UploadSessionSnapshot ToSnapshot(this UploadSessionState state, string id) => new()
    {
        Id = id,
        Status = state.Status,
        FileName = state.FileName,
        ContentType = state.ContentType,
        ContentLength = state.ShownLength(),
        Sha256 = state.Sha256,
        BatchId = state.BatchId,
        Metadata = state.Metadata,
        Storage = state.Storage,
        Notion = state.Notion,
        Attempts = state.Attempts,
        Error = state.ShownError(),
        CreatedTime = state.CreatedTime,
        UpdatedTime = state.UpdatedTime,
        ExpiryTime = state.ExpiryTime,
        PublicId = state.PublicId,
        PageCount = state.PageCount,
        ReceivedBytes = state.Length ?? state.ReceivedBytes,
        Protocol = state.Protocol,
        WebhookUrl = state.WebhookUrl,
        Webhooks = state.Webhooks?.Counts() ?? new WebhookCounts(0, 0, 0, null),
    };

    public static BatchSessionEntry ToBatchEntry(this UploadSessionState state, string id) => new()
    {
        SessionId = id,
        Status = state.Status,
        FileName = state.FileName,
        ContentLength = state.ShownLength(),
        Url = state.Storage?.SecureUrl,
        NotionStatus = state.Notion.Status,
        NotionPageUrl = state.Notion.PageUrl,
        Error = state.ShownError()?.Message,
        UpdatedTime = state.UpdatedTime,
    };

    /// <summary>The length sent, or the one declared at create while nothing was sent.</summary>
    private static long? ShownLength(this UploadSessionState state) => state.Length ?? state.DeclaredLength;

    /// <summary>What is wrong now, or else why the Notion row lacks the PDF's facts.</summary>
    private static SessionError? ShownError(this UploadSessionState state) => state.Error ?? state.InspectionError;
}
