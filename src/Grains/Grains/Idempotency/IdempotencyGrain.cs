namespace UploadProxy.Grains.Idempotency;

/// <summary>
/// Remembers which session an <c>Idempotency-Key</c> stands for. The session id is decided here, inside one grain
/// call, so that concurrent creates with one key answer one session. A record older than
/// <see cref="IdempotencyKeys.Lifetime"/> counts as absent and is replaced on the next call: no reminder is needed.
/// </summary>
public sealed class IdempotencyGrain(
    [PersistentState("idempotency", StorageNames.Sessions)] IPersistentState<IdempotencyState> record,
    TimeProvider timeProvider) : Grain, IIdempotencyGrain
{
    public async Task<IdempotencyClaim> ClaimAsync(string bodySha256)
    {
        var now = timeProvider.GetUtcNow();
        if (record.State is { SessionId: { } sessionId, BodySha256: { } claimedBody } && now - record.State.ClaimedTime < IdempotencyKeys.Lifetime)
        {
            return new IdempotencyClaim(sessionId, string.Equals(claimedBody, bodySha256, StringComparison.Ordinal));
        }

        // Written before it is answered: a key never stands for two sessions, even if this silo is lost right after.
        record.State = new IdempotencyState { SessionId = SessionId.New(), BodySha256 = bodySha256, ClaimedTime = now };
        await record.WriteStateAsync();
        return new IdempotencyClaim(record.State.SessionId, BodyMatches: true);
    }
}
