namespace UploadProxy.Grains.Sessions;

/// <summary>
/// The tus side of a session: the grain is the one holder of the upload's write hold (<see cref="PatchHold"/>) and the
/// keeper of its acknowledged offset. The gateway writes the bytes; the grain decides who may, and saves the offset
/// only once the bytes are durable, so the saved offset is never ahead of the part.
/// </summary>
public sealed partial class UploadSessionGrain
{
    private PatchHold? _patchHold;

    private PatchHold Hold => _patchHold ??= new PatchHold(timeProvider);

    public async Task<PatchGrant> BeginPatchAsync(long offset, long? uploadLength, TimeSpan lease)
    {
        if (!session.RecordExists)
        {
            return new PatchGrant(PatchOutcome.NotFound, null);
        }

        await ExpireIfDueAsync();
        if (State.PatchRefusal(offset, uploadLength) is { } refusal)
        {
            return new PatchGrant(refusal, Snapshot());
        }

        var held = Hold.TryTake(offset, lease);
        return new PatchGrant(held == Guid.Empty ? PatchOutcome.Locked : PatchOutcome.Granted, Snapshot(), held);
    }

    public Task<bool> RenewPatchAsync(Guid lease, TimeSpan duration) => Task.FromResult(Hold.TryRenew(lease, duration));

    public async Task<PatchGrant> CommitPatchAsync(PatchCommit commit)
    {
        if (!session.RecordExists)
        {
            return new PatchGrant(PatchOutcome.NotFound, null);
        }

        if (State.PatchRefusal(commit.From, commit.UploadLength) is { } refusal)
        {
            return new PatchGrant(refusal, Snapshot());
        }

        if (!Hold.MayCommit(commit.Lease, commit.From))
        {
            return new PatchGrant(PatchOutcome.Locked, Snapshot());
        }

        var before = State;
        var next = State.BytesReceived(commit.Offset, commit.UploadLength, timeProvider.GetUtcNow(), _options.PendingLifetime);
        if (commit.Document is { } document)
        {
            var fileName = State.FileName ?? DocumentNames.DefaultFileName;
            next = next.Accepted(document, fileName, DocumentNames.PublicId(cloudinaryOptions.Value.Folder, State.PublicIdPrefix, fileName));
            _attemptCounted = true;
        }

        Update(next);
        Hold.Release(commit.Lease);
        _accepting = true;
        try
        {
            if (commit.Document is not null)
            {
                // As for a send: before the write, so that a silo dying after it leaves a reminder to resume the upload.
                await _reminder!.RegisterAsync();
            }

            await SaveAsync();
        }
        catch
        {
            session.State = before;
            _attemptCounted = false;
            DeactivateOnIdle();
            throw;
        }
        finally
        {
            _accepting = false;
        }

        if (commit.Document is not null)
        {
            // The whole file is staged now; the part is no longer needed.
            await parts.DeleteAsync(Id, CancellationToken.None);
            LogAccepted(Id, commit.Document.Length, State.PublicId!);
            EnsureWorkRunning();
        }

        return new PatchGrant(PatchOutcome.Committed, Snapshot());
    }

    public async Task<bool> NeedsUploadPartAsync()
    {
        if (!session.RecordExists || State.Protocol != UploadProtocol.Tus)
        {
            return false;
        }

        // An upload idle past its expiry is expired now, as its next HEAD would find it; its part goes with it.
        await ExpireIfDueAsync();
        return State.Status == SessionStatus.Pending;
    }

    public Task ReleasePatchAsync(Guid lease)
    {
        Hold.Release(lease);
        return Task.CompletedTask;
    }

    public async Task<UploadSessionSnapshot?> RefuseDocumentAsync(Guid lease, SessionError error)
    {
        if (!session.RecordExists)
        {
            return null;
        }

        if (State.Status == SessionStatus.Pending && Hold.MayCommit(lease, State.ReceivedBytes))
        {
            await TransitionAsync(State.DocumentRefused(error));
            Hold.Clear();
            await parts.DeleteAsync(Id, CancellationToken.None);
        }

        return Snapshot();
    }

    public async Task<PatchGrant> TerminateAsync()
    {
        if (!session.RecordExists || State.Protocol != UploadProtocol.Tus)
        {
            return new PatchGrant(PatchOutcome.NotFound, null);
        }

        await ExpireIfDueAsync();
        switch (State.Status)
        {
            case SessionStatus.Expired:
                return new PatchGrant(PatchOutcome.Expired, Snapshot());
            case not SessionStatus.Pending:
                return new PatchGrant(PatchOutcome.Finished, Snapshot());
        }

        // A PATCH still writing finds the session expired at its commit, and its bytes are deleted with the rest.
        await TransitionAsync(State.Terminated());
        Hold.Clear();
        await parts.DeleteAsync(Id, CancellationToken.None);
        return new PatchGrant(PatchOutcome.Terminated, Snapshot());
    }
}
