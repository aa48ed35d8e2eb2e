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

    /// <summary>Whether the session still needs its tus part: it is a tus upload still receiving bytes, not expired.</summary>
    /// <remarks>The sweep of parts asks this of every old part, so, as above, a dead silo must not hold it up for 30 s.</remarks>
    [ResponseTimeout("00:00:05")]
    Task<bool> NeedsUploadPartAsync();

    /// <summary>Runs Notion linking again after it failed for good (once the database is fixed); otherwise changes nothing.</summary>
    Task<UploadSessionSnapshot?> RetryLinkAsync();

    /// <summary>Lets one tus PATCH write at <paramref name="offset"/> for at most <paramref name="lease"/>, if the offset is the session's and no other PATCH holds it.</summary>
    Task<PatchGrant> BeginPatchAsync(long offset, long? uploadLength, TimeSpan lease);

    /// <summary>Extends a granted PATCH's hold while its body is still coming; false once the hold is lost.</summary>
    Task<bool> RenewPatchAsync(Guid lease, TimeSpan duration);

    /// <summary>Saves the offset a PATCH made durable, sliding the expiry; with the last byte, takes the document as a send would.</summary>
    Task<PatchGrant> CommitPatchAsync(PatchCommit commit);

    /// <summary>Lets go of a PATCH's hold without changing the offset (a refused or cut-off body).</summary>
    Task ReleasePatchAsync(Guid lease);

    /// <summary>Ends a tus upload whose first bytes are not a PDF: the session fails and its bytes are deleted.</summary>
    Task<UploadSessionSnapshot?> RefuseDocumentAsync(Guid lease, SessionError error);

    /// <summary>Terminates a tus upload still receiving bytes: its bytes are deleted and it answers as expired from then on.</summary>
    Task<PatchGrant> TerminateAsync();
}
