namespace UploadProxy.Grains;

/// <summary>What a session answers a tus PATCH (or a termination) about to start or just written.</summary>
[GenerateSerializer]
public enum PatchOutcome
{
    /// <summary>The PATCH may write at its offset; it holds the upload until it commits, releases, or its lease runs out.</summary>
    Granted,

    /// <summary>The PATCH's bytes are the session's: its offset is saved (and, with the last byte, the document accepted).</summary>
    Committed,

    /// <summary>The upload was terminated.</summary>
    Terminated,

    NotFound,

    /// <summary>The session expired or was terminated: its bytes are gone.</summary>
    Expired,

    /// <summary>The session holds all its bytes (or failed): nothing more is written to it.</summary>
    Finished,

    /// <summary>The PATCH's offset is not the session's: the client must ask the offset again (HEAD).</summary>
    WrongOffset,

    /// <summary>Another PATCH holds the upload.</summary>
    Locked,

    /// <summary>An <c>Upload-Length</c> other than the one the session already has.</summary>
    LengthConflict,
}

/// <summary>A session's answer to a tus request, with the lease a granted PATCH holds.</summary>
[GenerateSerializer, Immutable]
public sealed record PatchGrant(
    [property: Id(0)] PatchOutcome Outcome,
    [property: Id(1)] UploadSessionSnapshot? Session,
    [property: Id(2)] Guid Lease = default);

/// <summary>The bytes a granted PATCH made durable: the part now ends at <paramref name="Offset"/>.</summary>
/// <param name="UploadLength">An <c>Upload-Length</c> the PATCH declared for an upload created with its length deferred.</param>
/// <param name="Document">With the last byte: the whole file, staged like a sent document, which the session takes in the same write.</param>
[GenerateSerializer, Immutable]
public sealed record PatchCommit(
    [property: Id(0)] Guid Lease,
    [property: Id(1)] long From,
    [property: Id(2)] long Offset,
    [property: Id(3)] long? UploadLength,
    [property: Id(4)] StagedDocument? Document);
