using System.Collections.Concurrent;

namespace UploadProxy.Integrations.Cloudinary;

/// <summary>
/// Public ids whose last attempt, in this process, is known to have stored nothing (its upload was refused for rate,
/// or its lookup found nothing and its upload then did nothing), so that the very next attempt uploads without a
/// lookup: a burst of upload 420s must not use up the Admin API's hourly allowance. Only memory, and only for the
/// attempt that immediately follows: after a restart, or attempts made on another silo meanwhile, the id is looked up.
/// </summary>
internal sealed class NothingStoredYet
{
    private readonly ConcurrentDictionary<string, int> _lastAttempts = new(StringComparer.Ordinal);

    public bool IsKnownBefore(string publicId, int attempt) =>
        _lastAttempts.TryGetValue(publicId, out var last) && last == attempt - 1;

    public void Add(string publicId, int attempt) => _lastAttempts[publicId] = attempt;

    /// <summary>Stored, refused for good, or an attempt whose outcome is unknown: the id is no longer known to be absent.</summary>
    public void Remove(string publicId) => _lastAttempts.TryRemove(publicId, out _);
}
