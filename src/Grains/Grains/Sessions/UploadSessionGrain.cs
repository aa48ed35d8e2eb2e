using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Orleans.Concurrency;
using UploadProxy.Grains.Cloudinary;
using UploadProxy.Grains.Staging;
using UploadProxy.Grains.Storage;

namespace UploadProxy.Grains.Sessions;

/// <summary>
/// One upload session. The grain is reentrant so that <see cref="GetAsync"/> and waiting callers are answered while
/// an upload is in flight; state writes are chained (see <see cref="SaveAsync"/>) because the storage provider
/// refuses overlapping writes of one grain. A durable reminder resumes an unfinished upload wherever the session
/// is activated next, after a crash or a lost silo.
/// </summary>
[Reentrant]
public sealed partial class UploadSessionGrain(
    [PersistentState("session", StorageNames.Sessions)] IPersistentState<UploadSessionState> session,
    IDocumentStore documentStore,
    IDocumentStagingStore staging,
    IOptions<SessionOptions> sessionOptions,
    IOptions<CloudinaryOptions> cloudinaryOptions,
    TimeProvider timeProvider,
    ILogger<UploadSessionGrain> logger) : Grain, IUploadSessionGrain, IRemindable, IDisposable
{
    private const string RecoveryReminder = "resume-upload";

    private readonly SessionOptions _options = sessionOptions.Value;
    private Task _pendingWrite = Task.CompletedTask;
    private Task? _upload;
    private bool _accepting;
    private readonly CancellationTokenSource _deactivating = new();
    private TaskCompletionSource _changed = new(TaskCreationOptions.RunContinuationsAsynchronously);

    private string Id => this.GetPrimaryKeyString();

    private UploadSessionState State => session.State;

    public override Task OnActivateAsync(CancellationToken cancellationToken)
    {
        // A session activated while uploading was cut off (crash, lost silo, deactivation): resume at once.
        EnsureUploadRunning();
        return Task.CompletedTask;
    }

    public override async Task OnDeactivateAsync(DeactivationReason reason, CancellationToken cancellationToken)
    {
        // A graceful hand-over (silo shutdown, rebalancing): stop the upload where it is; the state still says
        // uploading, so the next activation resumes it.
        await _deactivating.CancelAsync();
        if (_upload is { } upload)
        {
            await upload.WaitAsync(cancellationToken).ContinueWith(static _ => { }, TaskScheduler.Current);
        }
    }

    public void Dispose() => _deactivating.Dispose();

    public async Task<UploadSessionSnapshot> CreateAsync(CreateSessionCommand command)
    {
        if (session.RecordExists)
        {
            return Snapshot();
        }

        var now = timeProvider.GetUtcNow();
        session.State = new UploadSessionState
        {
            Status = SessionStatus.Pending,
            FileName = command.FileName,
            ContentType = command.ContentType,
            DeclaredLength = command.ContentLength,
            BatchId = command.BatchId,
            Metadata = new Dictionary<string, string>(command.Metadata),
            PublicIdPrefix = DocumentNames.NewPublicIdPrefix(now),
            CreatedTime = now,
            UpdatedTime = now,
            ExpiryTime = now + _options.PendingLifetime,
        };
        await SaveAsync();
        return Snapshot();
    }

    public async Task<UploadSessionSnapshot?> GetAsync()
    {
        if (!session.RecordExists)
        {
            return null;
        }

        await ExpireIfDueAsync();
        return Snapshot();
    }

    public async Task<SendResult> SendAsync(StagedDocument document)
    {
        if (!session.RecordExists)
        {
            return new SendResult(SendOutcome.NotFound, null, StagedBytesInUse: false);
        }

        await ExpireIfDueAsync();
        if (State.Sha256 is { } accepted)
        {
            var outcome = accepted == document.Sha256 ? SendOutcome.AlreadyAccepted : SendOutcome.Conflict;
            var inUse = outcome == SendOutcome.AlreadyAccepted && State.StagingKey == document.StagingKey;
            return new SendResult(outcome, Snapshot(), inUse);
        }

        if (State.Status == SessionStatus.Expired)
        {
            return new SendResult(SendOutcome.Expired, Snapshot(), StagedBytesInUse: false);
        }

        if (State.DeclaredLength is { } declared && declared != document.Length)
        {
            return new SendResult(SendOutcome.LengthMismatch, Snapshot(), StagedBytesInUse: false);
        }

        // Claim the session before the first await, so that a concurrent send sees Sha256 already set.
        var fileName = State.FileName ?? document.FileName ?? DocumentNames.DefaultFileName;
        var pending = State;
        Update(State with
        {
            Status = SessionStatus.Uploading,
            FileName = fileName,
            Sha256 = document.Sha256,
            Length = document.Length,
            StagingKey = document.StagingKey,
            PublicId = DocumentNames.PublicId(cloudinaryOptions.Value.Folder, State.PublicIdPrefix, fileName),
            ChunkedUploadId = Guid.NewGuid().ToString("N"),
        });
        _accepting = true;
        try
        {
            // The reminder is registered before the write: if this silo dies after the write, the reminder finds
            // the session uploading and resumes it; if it dies before, the reminder finds it pending and goes away.
            await this.RegisterOrUpdateReminder(RecoveryReminder, _options.RecoveryInterval, _options.RecoveryInterval);
            await SaveAsync();
        }
        catch
        {
            session.State = pending;
            DeactivateOnIdle();
            throw;
        }
        finally
        {
            _accepting = false;
        }

        LogAccepted(Id, document.Length, State.PublicId!);
        EnsureUploadRunning();
        return new SendResult(SendOutcome.Accepted, Snapshot(), StagedBytesInUse: true);
    }

    public async Task<UploadSessionSnapshot?> WaitWhileUploadingAsync(TimeSpan maxWait)
    {
        if (!session.RecordExists)
        {
            return null;
        }

        using var timeout = new CancellationTokenSource(maxWait, timeProvider);
        while (State.Status == SessionStatus.Uploading && !timeout.IsCancellationRequested)
        {
            EnsureUploadRunning();
            try
            {
                await _changed.Task.WaitAsync(timeout.Token);
            }
            catch (OperationCanceledException)
            {
                break;
            }
        }

        return Snapshot();
    }

    public async Task ReceiveReminder(string reminderName, TickStatus status)
    {
        if (reminderName != RecoveryReminder)
        {
            return;
        }

        if (State.Status == SessionStatus.Uploading)
        {
            EnsureUploadRunning();
        }
        else
        {
            await UnregisterRecoveryAsync();
        }
    }

    private void EnsureUploadRunning()
    {
        if (State.Status == SessionStatus.Uploading && !_accepting && !_deactivating.IsCancellationRequested && _upload is null or { IsCompleted: true })
        {
            _upload = UploadAsync();
        }
    }

    private async Task UploadAsync()
    {
        try
        {
            var failures = 0;
            while (State.Status == SessionStatus.Uploading)
            {
                Update(State with { Attempts = State.Attempts + 1 });
                await SaveAsync();
                try
                {
                    var asset = await documentStore.StoreAsync(
                        new DocumentToStore(Id, State.PublicId!, State.StagingKey!, State.Length!.Value, State.Sha256!, State.ChunkedUploadId!),
                        _deactivating.Token);
                    LogStored(Id, asset.PublicId, State.Attempts);
                    await FinishAsync(State with { Status = SessionStatus.Uploaded, Storage = asset, Error = null });
                }
                catch (DocumentStoreException ex) when (ex.IsTransient)
                {
                    failures++;
                    var delay = Backoff(failures);
                    LogTransientFailure(Id, State.Attempts, ex.Code, delay);
                    Update(State with { Error = new SessionError(ex.Code, ex.Message) });
                    await SaveAsync();
                    await Task.Delay(delay, timeProvider, _deactivating.Token);
                }
                catch (DocumentStoreException ex)
                {
                    LogFailed(Id, ex.Code, ex.Message);
                    await FinishAsync(State with { Status = SessionStatus.Failed, Error = new SessionError(ex.Code, ex.Message) });
                }
            }
        }
        catch (OperationCanceledException) when (_deactivating.IsCancellationRequested)
        {
            LogHandedOver(Id);
        }
        catch (Exception ex)
        {
            // Most likely the state store is unreachable. What is persisted is still right; the next activation
            // reloads it and the reminder resumes the upload.
            LogUploadInterrupted(ex, Id);
            DeactivateOnIdle();
        }
    }

    private async Task FinishAsync(UploadSessionState finished)
    {
        var stagingKey = State.StagingKey;
        Update(finished with { StagingKey = null });
        await SaveAsync();
        if (stagingKey is not null)
        {
            await staging.DeleteAsync(stagingKey, CancellationToken.None);
        }

        await UnregisterRecoveryAsync();
    }

    private async Task UnregisterRecoveryAsync()
    {
        if (await this.GetReminder(RecoveryReminder) is { } reminder)
        {
            await this.UnregisterReminder(reminder);
        }
    }

    private TimeSpan Backoff(int failures)
    {
        var exponential = _options.RetryBaseDelay * Math.Pow(2, Math.Min(failures - 1, 20));
        var capped = exponential < _options.RetryMaxDelay ? exponential : _options.RetryMaxDelay;
        // Full jitter keeps many sessions that failed together from retrying together.
        return capped * (0.5 + (Random.Shared.NextDouble() / 2));
    }

    private async Task ExpireIfDueAsync()
    {
        if (State.Status == SessionStatus.Pending && timeProvider.GetUtcNow() >= State.ExpiryTime)
        {
            Update(State with { Status = SessionStatus.Expired, Error = new SessionError("session_expired", "No document was sent before the session expired.") });
            await SaveAsync();
        }
    }

    private void Update(UploadSessionState next)
    {
        session.State = next with { UpdatedTime = timeProvider.GetUtcNow() };
        var changed = _changed;
        _changed = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        changed.TrySetResult();
    }

    /// <summary>
    /// Writes the state after any write still in flight: interleaved calls of this reentrant grain must not
    /// overlap writes, or the storage provider fails the second with an ETag conflict.
    /// </summary>
    private Task SaveAsync()
    {
        var previous = _pendingWrite;
        _pendingWrite = WriteAfterAsync(previous);
        return _pendingWrite;

        async Task WriteAfterAsync(Task before)
        {
            try
            {
                await before;
            }
            catch (Exception)
            {
                // The earlier write's caller saw its failure; this write carries the newer state anyway.
            }

            await session.WriteStateAsync();
        }
    }

    private UploadSessionSnapshot Snapshot() => new()
    {
        Id = Id,
        Status = State.Status,
        FileName = State.FileName,
        ContentType = State.ContentType,
        ContentLength = State.Length ?? State.DeclaredLength,
        Sha256 = State.Sha256,
        BatchId = State.BatchId,
        Metadata = State.Metadata,
        Storage = State.Storage,
        Notion = State.Notion,
        Attempts = State.Attempts,
        Error = State.Error,
        CreatedTime = State.CreatedTime,
        UpdatedTime = State.UpdatedTime,
        ExpiryTime = State.ExpiryTime,
        PublicId = State.PublicId,
    };
}
