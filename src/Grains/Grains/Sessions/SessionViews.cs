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
        ContentLength = state.Length ?? state.DeclaredLength,
        Sha256 = state.Sha256,
        BatchId = state.BatchId,
        Metadata = state.Metadata,
        Storage = state.Storage,
        Notion = state.Notion,
        Attempts = state.Attempts,
        Error = state.Error ?? state.InspectionError,
        CreatedTime = state.CreatedTime,
        UpdatedTime = state.UpdatedTime,
        ExpiryTime = state.ExpiryTime,
        PublicId = state.PublicId,
        PageCount = state.PageCount,
    };

    public static BatchSessionEntry ToBatchEntry(this UploadSessionState state, string id) => new()
    {
        SessionId = id,
        Status = state.Status,
        FileName = state.FileName,
        ContentLength = state.Length ?? state.DeclaredLength,
        Url = state.Storage?.SecureUrl,
        NotionStatus = state.Notion.Status,
        NotionPageUrl = state.Notion.PageUrl,
        Error = (state.Error ?? state.InspectionError)?.Message,
        UpdatedTime = state.UpdatedTime,
    };
}
