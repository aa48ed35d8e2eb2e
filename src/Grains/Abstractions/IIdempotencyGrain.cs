namespace UploadProxy.Grains;

/// <summary>
/// One <c>Idempotency-Key</c> of one caller, keyed by <see cref="IdempotencyKeys.GrainKey"/>: it decides the session a
/// <c>create</c> with that key stands for. Orleans runs one call at a time, so two concurrent creates with one key get
/// one session; the decision is persisted, so it holds across gateways, silos and restarts for 24 h.
/// </summary>
public interface IIdempotencyGrain : IGrainWithStringKey
{
    /// <summary>The session this key stands for, decided on the first call with a new id; later calls compare the body.</summary>
    Task<IdempotencyClaim> ClaimAsync(string bodySha256);
}

/// <param name="SessionId">The session the key stands for; the caller creates it (creating it twice is harmless).</param>
/// <param name="BodyMatches">False when the key was first used with another body: the request is refused.</param>
[GenerateSerializer, Immutable]
public sealed record IdempotencyClaim([property: Id(0)] string SessionId, [property: Id(1)] bool BodyMatches);

/// <summary>How a caller's key becomes a grain key.</summary>
public static class IdempotencyKeys
{
    /// <summary>How long a key stands for its session.</summary>
    public static readonly TimeSpan Lifetime = TimeSpan.FromHours(24);

    /// <summary>
    /// The SHA-256 of the caller's scope and key: a grain key of fixed length, whatever characters the key holds, that
    /// never shows the key in storage or logs.
    /// </summary>
    public static string GrainKey(string scope, string key) =>
        Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(System.Text.Encoding.UTF8.GetBytes($"{scope}\n{key}")));
}
