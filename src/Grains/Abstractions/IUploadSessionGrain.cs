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
    /// <remarks>The staging sweep asks this of every old staged document; one on a dead silo must not hold it up for 30 s.</remarks>
    [ResponseTimeout("00:00:05")]
    Task<bool> NeedsStagedDocumentAsync(string stagingKey);

    /// <summary>Runs Notion linking again after it failed for good (once the database is fixed); otherwise changes nothing.</summary>
    Task<UploadSessionSnapshot?> RetryLinkAsync();
}
