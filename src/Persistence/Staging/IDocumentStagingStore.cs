using System.Text.RegularExpressions;
using UploadProxy.Grains;

namespace UploadProxy.Persistence.Staging;

/// <summary>
/// Durable home of a document's bytes between the moment <c>send</c> reads them and the moment they are stored
/// permanently. Every silo and gateway of a deployment must reach the same store.
/// </summary>
public interface IDocumentStagingStore
{
    /// <summary>Starts writing a document for a session; nothing is visible until <see cref="IStagingWriter.CommitAsync"/>.</summary>
    Task<IStagingWriter> BeginAsync(string sessionId, CancellationToken cancellationToken);

    /// <summary>Opens committed bytes for reading from <paramref name="offset"/>.</summary>
    /// <exception cref="StagedDocumentMissingException">No committed document has that key.</exception>
    Task<Stream> OpenReadAsync(string stagingKey, long offset, CancellationToken cancellationToken);

    /// <summary>Removes committed bytes; removing what is not there is not an error.</summary>
    Task DeleteAsync(string stagingKey, CancellationToken cancellationToken);

    /// <summary>Keys of documents committed before <paramref name="cutoff"/>, for the sweep of bytes nobody needs any more.</summary>
    IAsyncEnumerable<string> ListCommittedBeforeAsync(DateTimeOffset cutoff, CancellationToken cancellationToken);

    /// <summary>
    /// Deletes the bytes of uncommitted writes nothing has added to since <paramref name="cutoff"/>: a send cut off by
    /// a crash of its gateway. Returns how many writes were deleted.
    /// </summary>
    Task<int> DeleteAbandonedWritesAsync(DateTimeOffset cutoff, CancellationToken cancellationToken);
}

/// <summary>One document being written. Disposing it without commit discards what was written.</summary>
public interface IStagingWriter : IAsyncDisposable
{
    /// <summary>Appends bytes; what is appended is durable only once committed.</summary>
    ValueTask WriteAsync(ReadOnlyMemory<byte> data, CancellationToken cancellationToken);

    /// <summary>Makes the bytes durable under a key derived from the session and the SHA-256, and returns that key.</summary>
    Task<string> CommitAsync(string sha256, CancellationToken cancellationToken);
}

public sealed class StagedDocumentMissingException(string stagingKey)
    : Exception($"The staged document '{stagingKey}' is missing.");

/// <summary>A staged document's key: its session and its SHA-256, so a retry of the same bytes lands on the same key.</summary>
public static partial class StagingKeys
{
    public static string For(string sessionId, string sha256) => $"{sessionId}-{sha256}";

    public static bool IsValid(string stagingKey) => Format().IsMatch(stagingKey);

    public static string SessionOf(string stagingKey) => stagingKey[..SessionId.Length];

    [GeneratedRegex("^[A-Za-z0-9_-]{22}-[0-9a-f]{64}$")]
    private static partial Regex Format();
}
