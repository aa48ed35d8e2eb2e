namespace UploadProxy.Grains;

/// <summary>One upload session: it owns the document's whole life, from creation to permanent storage.</summary>
public interface IUploadSessionGrain : IGrainWithStringKey
{
    /// <summary>Opens the session; a second call returns the session as it stands.</summary>
    Task<UploadSessionSnapshot> CreateAsync(CreateSessionCommand command);

    /// <summary>Returns the session, or null when it was never created.</summary>
    Task<UploadSessionSnapshot?> GetAsync();

    /// <summary>Takes a document already staged durably and starts storing it.</summary>
    Task<SendResult> SendAsync(StagedDocument document);

    /// <summary>Returns once the session is no longer uploading, or when <paramref name="maxWait"/> has passed.</summary>
    Task<UploadSessionSnapshot?> WaitWhileUploadingAsync(TimeSpan maxWait);

    /// <summary>Whether the session still needs these staged bytes (it is uploading them).</summary>
    Task<bool> NeedsStagedDocumentAsync(string stagingKey);

    /// <summary>Runs Notion linking again after it failed for good (once the database is fixed); otherwise changes nothing.</summary>
    Task<UploadSessionSnapshot?> RetryLinkAsync();
}
