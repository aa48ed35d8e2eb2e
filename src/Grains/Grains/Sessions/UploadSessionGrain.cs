using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Orleans.Concurrency;
using UploadProxy.Grains.Cloudinary;
using UploadProxy.Grains.Documents;
using UploadProxy.Grains.Hosting;
using UploadProxy.Grains.Notion;
using UploadProxy.Grains.Staging;
using UploadProxy.Grains.Storage;

namespace UploadProxy.Grains.Sessions;

/// <summary>
/// One upload session: it stores its document, then links it as a Notion row. The grain is reentrant so that
/// <see cref="GetAsync"/> and waiting callers are answered while that work is in flight; state writes are chained
/// (see <see cref="SaveAsync"/>) because the storage provider refuses overlapping writes of one grain, and callers are
/// answered from the last saved state only, never from a change still being written. A durable reminder resumes
/// unfinished work wherever the session is activated next, after a crash or a lost silo.
/// </summary>
[Reentrant]
public sealed partial class UploadSessionGrain(
    [PersistentState("session", StorageNames.Sessions)] IPersistentState<UploadSessionState> session,
    IDocumentStore documentStore,
    IDocumentStagingStore staging,
    NotionClient notion,
    IOptions<SessionOptions> sessionOptions,
    IOptions<CloudinaryOptions> cloudinaryOptions,
    IOptions<NotionOptions> notionOptions,
    IOptions<StandaloneOptions> standaloneOptions,
    TimeProvider timeProvider,
    ILogger<UploadSessionGrain> logger) : Grain, IUploadSessionGrain, IRemindable, IDisposable
{
    private const string RecoveryReminder = "resume-upload";

    private readonly SessionOptions _options = sessionOptions.Value;
    private readonly NotionOptions _notion = notionOptions.Value;
    // Created on first use: most sessions sit idle, and an idle activation should cost as little as it can.
    private CancellationTokenSource? _deactivating;
    private UploadSessionState? _saved;
    private Task _pendingWrite = Task.CompletedTask;
    private int _writesInFlight;
    private Task? _work;
    private IGrainReminder? _recovery;
    private bool _accepting;
    private bool _attemptCounted;
    private int _failures;
    private TaskCompletionSource? _saveWaiters;

    private string Id => this.GetPrimaryKeyString();

    private CancellationToken Deactivating => (_deactivating ??= new CancellationTokenSource()).Token;

    private bool IsDeactivating => _deactivating?.IsCancellationRequested == true;

    private UploadSessionState State => session.State;

    /// <summary>What callers are answered from: the state as last written to storage.</summary>
    private UploadSessionState Saved => _saved!;

    private bool HasWork =>
        State.Status == SessionStatus.Uploading
        || (State.Status == SessionStatus.Uploaded && State.Notion.Status == NotionLinkStatus.Pending);

    public override Task OnActivateAsync(CancellationToken cancellationToken)
    {
        _saved = session.State;
        // A session activated with work left was cut off (crash, lost silo, deactivation): resume at once.
        EnsureWorkRunning();
        return Task.CompletedTask;
    }

    public override async Task OnDeactivateAsync(DeactivationReason reason, CancellationToken cancellationToken)
    {
        // A graceful hand-over (silo shutdown, rebalancing): stop where the work is; the persisted state says what
        // is left, so the next activation resumes it.
        _deactivating ??= new CancellationTokenSource();
        await _deactivating.CancelAsync();
        if (_work is { } work)
        {
            await work.WaitAsync(cancellationToken).ContinueWith(static _ => { }, TaskScheduler.Current);
        }
    }

    public void Dispose() => _deactivating?.Dispose();

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
            Notion = _notion.IsConfigured ? new NotionLink(NotionLinkStatus.Pending, null, null) : NotionLink.Disabled,
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
            Attempts = State.Attempts + 1,
        });
        // The first attempt is counted in this write, which saves the upload's own write before it starts.
        _attemptCounted = true;
        _accepting = true;
        try
        {
            // The reminder is registered before the write: if this silo dies after the write, the reminder finds
            // the session uploading and resumes it; if it dies before, the reminder finds it pending and goes away.
            await RegisterRecoveryAsync();
            await SaveAsync();
        }
        catch
        {
            session.State = pending;
            _attemptCounted = false;
            DeactivateOnIdle();
            throw;
        }
        finally
        {
            _accepting = false;
        }

        LogAccepted(Id, document.Length, State.PublicId!);
        EnsureWorkRunning();
        return new SendResult(SendOutcome.Accepted, Snapshot(), StagedBytesInUse: true);
    }

    public async Task<UploadSessionSnapshot?> WaitWhileUploadingAsync(TimeSpan maxWait)
    {
        if (!session.RecordExists)
        {
            return null;
        }

        using var timeout = new CancellationTokenSource(maxWait, timeProvider);
        // Also waits out a change not written yet, such as an accept still being saved by a concurrent send.
        while ((Saved.Status == SessionStatus.Uploading || !ReferenceEquals(Saved, State)) && !timeout.IsCancellationRequested)
        {
            EnsureWorkRunning();
            _saveWaiters ??= new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            try
            {
                await _saveWaiters.Task.WaitAsync(timeout.Token);
            }
            catch (OperationCanceledException)
            {
                break;
            }
        }

        return Snapshot();
    }

    public Task<bool> NeedsStagedDocumentAsync(string stagingKey) => Task.FromResult(State.StagingKey == stagingKey);

    public async Task<UploadSessionSnapshot?> RetryLinkAsync()
    {
        if (!session.RecordExists)
        {
            return null;
        }

        if (State.Status == SessionStatus.Uploaded && State.Notion.Status == NotionLinkStatus.Failed)
        {
            Update(State with { Notion = new NotionLink(NotionLinkStatus.Pending, null, null), Error = null });
            await RegisterRecoveryAsync();
            await SaveAsync();
            LogLinkRetried(Id);
            EnsureWorkRunning();
        }

        return Snapshot();
    }

    public async Task ReceiveReminder(string reminderName, TickStatus status)
    {
        if (reminderName != RecoveryReminder)
        {
            return;
        }

        if (HasWork)
        {
            EnsureWorkRunning();
        }
        else
        {
            await UnregisterRecoveryAsync();
        }
    }

    private void EnsureWorkRunning()
    {
        if (HasWork && !_accepting && !IsDeactivating && _work is null or { IsCompleted: true })
        {
            _work = WorkAsync();
        }
    }

    /// <summary>Runs the session's remaining steps, one attempt at a time, until nothing is left or a step failed for good.</summary>
    private async Task WorkAsync()
    {
        try
        {
            while (HasWork)
            {
                if (State.Status == SessionStatus.Uploading)
                {
                    await UploadOnceAsync();
                }
                else
                {
                    await LinkOnceAsync();
                }
            }
        }
        catch (OperationCanceledException) when (IsDeactivating)
        {
            LogHandedOver(Id);
        }
        catch (Exception ex)
        {
            // Most likely the state store is unreachable. What is persisted is still right; the next activation
            // reloads it and the reminder resumes the work.
            LogWorkInterrupted(ex, Id);
            DeactivateOnIdle();
        }
    }

    private async Task UploadOnceAsync()
    {
        if (!_attemptCounted)
        {
            Update(State with { Attempts = State.Attempts + 1 });
            await SaveAsync();
        }

        _attemptCounted = false;
        var started = timeProvider.GetTimestamp();
        try
        {
            var asset = await documentStore.StoreAsync(
                new DocumentToStore(Id, State.PublicId!, State.StagingKey!, State.Length!.Value, State.Sha256!, State.ChunkedUploadId!, State.Attempts),
                Deactivating);
            LogStored(Id, asset.PublicId, State.Attempts);
            UploadProxyMetrics.UploadedBytes.Add(asset.Bytes);
            UploadProxyMetrics.UploadDuration.Record(timeProvider.GetElapsedTime(started).TotalSeconds);
            var summary = _notion.IsConfigured ? await InspectAsync() : null;
            _failures = 0;
            await ReleaseStagedBytesAsync(State with
            {
                Status = SessionStatus.Uploaded,
                Storage = asset,
                Error = null,
                UploadedTime = timeProvider.GetUtcNow(),
                PageCount = summary?.PageCount,
                TextExcerpt = summary?.Text,
            });
        }
        catch (DocumentStoreException ex) when (ex.IsTransient)
        {
            var delay = Backoff(++_failures);
            LogTransientFailure(Id, State.Attempts, ex.Code, delay);
            UploadProxyMetrics.Retries.Add(1, new KeyValuePair<string, object?>("target", "storage"));
            Update(State with { Error = new SessionError(ex.Code, ex.Message) });
            await SaveAsync();
            await Task.Delay(delay, timeProvider, Deactivating);
        }
        catch (DocumentStoreException ex)
        {
            LogFailed(Id, ex.Code, ex.Message);
            await ReleaseStagedBytesAsync(State with { Status = SessionStatus.Failed, Error = new SessionError(ex.Code, ex.Message) });
        }
    }

    /// <summary>
    /// Creates the session's Notion row, exactly once: a create whose outcome is unknown (crash, timeout, lost
    /// connection) is followed by a lookup, which waits out Notion's index lag before it trusts "not found".
    /// </summary>
    private async Task LinkOnceAsync()
    {
        var creating = false;
        try
        {
            if (State.NotionCreateAttemptedAt is { } attempted)
            {
                var existing = await notion.FindBySessionIdAsync(Id, Deactivating);
                var trustedFrom = attempted + _notion.QueryIndexLag;
                if (existing is null && timeProvider.GetUtcNow() < trustedFrom)
                {
                    await Task.Delay(trustedFrom - timeProvider.GetUtcNow(), timeProvider, Deactivating);
                    existing = await notion.FindBySessionIdAsync(Id, Deactivating);
                }

                if (existing is not null)
                {
                    LogRowAdopted(Id, existing.Id);
                    await LinkedAsync(existing);
                    return;
                }
            }

            Update(State with { NotionCreateAttemptedAt = timeProvider.GetUtcNow() });
            await SaveAsync();
            creating = true;
            await LinkedAsync(await notion.CreatePageAsync(Row(), Deactivating));
        }
        catch (NotionException ex) when (ex.IsTransient)
        {
            var delay = Backoff(++_failures);
            LogNotionTransientFailure(Id, ex.Code, delay);
            UploadProxyMetrics.Retries.Add(1, new KeyValuePair<string, object?>("target", "notion"));
            Update(State with
            {
                Error = new SessionError("notion_unavailable", ex.Message),
                NotionCreateAttemptedAt = creating && !ex.OutcomeUnknown ? null : State.NotionCreateAttemptedAt,
            });
            await SaveAsync();
            await Task.Delay(delay, timeProvider, Deactivating);
        }
        catch (NotionException ex)
        {
            LogNotionRejected(Id, ex.Code, ex.Message);
            notion.ForgetDatabase();
            Update(State with
            {
                Notion = new NotionLink(NotionLinkStatus.Failed, null, null),
                Error = new SessionError("notion_rejected", ex.Message),
                NotionCreateAttemptedAt = creating ? null : State.NotionCreateAttemptedAt,
            });
            await SaveAsync();
            await UnregisterRecoveryAsync();
        }
    }

    private async Task LinkedAsync(NotionPage page)
    {
        _failures = 0;
        Update(State with
        {
            Status = SessionStatus.Linked,
            Notion = new NotionLink(NotionLinkStatus.Linked, page.Id, page.Url),
            Error = null,
            NotionCreateAttemptedAt = null,
        });
        await SaveAsync();
        LogLinked(Id, page.Id);
        await UnregisterRecoveryAsync();
    }

    private NotionRow Row() => new()
    {
        SessionId = Id,
        FileName = State.FileName ?? DocumentNames.DefaultFileName,
        Url = new Uri(new Uri(standaloneOptions.Value.PublicBaseUrl), State.Storage!.SecureUrl).AbsoluteUri,
        Size = State.Length ?? 0,
        UploadedAt = State.UploadedTime ?? State.UpdatedTime,
        BatchId = State.BatchId,
        PageCount = State.PageCount,
        Text = State.TextExcerpt,
        Metadata = State.Metadata,
    };

    /// <summary>Reads the PDF while its staged bytes are still there, off the grain's scheduler since it is CPU work.</summary>
    private async Task<PdfSummary?> InspectAsync()
    {
        if (State.Length > _notion.MaxInspectedBytes)
        {
            return null;
        }

        await using var source = await staging.OpenReadAsync(State.StagingKey!, 0, Deactivating);
        var maxText = _notion.TextExcerptLength;
        if (source.CanSeek)
        {
            return await Task.Run(() => PdfInspector.TryInspect(source, maxText), Deactivating);
        }

        // PdfPig needs to seek; a database stream is copied to a temporary file first.
        await using var copy = new FileStream(Path.GetTempFileName(), FileMode.Create, FileAccess.ReadWrite, FileShare.None, 64 * 1024, FileOptions.DeleteOnClose);
        await source.CopyToAsync(copy, Deactivating);
        copy.Position = 0;
        return await Task.Run(() => PdfInspector.TryInspect(copy, maxText), Deactivating);
    }

    /// <summary>Saves the state that no longer needs the staged bytes, then deletes them.</summary>
    private async Task ReleaseStagedBytesAsync(UploadSessionState next)
    {
        var stagingKey = State.StagingKey;
        Update(next with { StagingKey = null });
        await SaveAsync();
        if (stagingKey is not null)
        {
            await staging.DeleteAsync(stagingKey, CancellationToken.None);
        }

        if (!HasWork)
        {
            await UnregisterRecoveryAsync();
        }
    }

    private async Task RegisterRecoveryAsync() =>
        _recovery = await this.RegisterOrUpdateReminder(RecoveryReminder, _options.RecoveryInterval, _options.RecoveryInterval);

    private async Task UnregisterRecoveryAsync()
    {
        // The handle kept from the registration saves a read; should it fail, the next try reads the reminder afresh.
        var known = _recovery;
        _recovery = null;
        if ((known ?? await this.GetReminder(RecoveryReminder)) is { } reminder)
        {
            await this.UnregisterReminder(reminder);
        }
    }

    private TimeSpan Backoff(int failures)
    {
        var exponential = _options.RetryBaseDelay * Math.Pow(2, Math.Min(failures - 1, 20));
        var capped = exponential < _options.RetryMaxDelay ? exponential : _options.RetryMaxDelay;
        // Jitter keeps many sessions that failed together from retrying together.
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
        if (next.Status != State.Status)
        {
            UploadProxyMetrics.SessionTransitions.Add(1, new KeyValuePair<string, object?>("status", next.Status.ToString().ToLowerInvariant()));
        }

        session.State = next with { UpdatedTime = timeProvider.GetUtcNow() };
    }

    /// <summary>
    /// Writes the state after any write still in flight: interleaved calls of this reentrant grain must not
    /// overlap writes, or the storage provider fails the second with an ETag conflict.
    /// </summary>
    private Task SaveAsync()
    {
        _writesInFlight++;
        _pendingWrite = WriteAfterAsync(_pendingWrite);
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

            try
            {
                // The state in storage is the one current when the write starts, which may include later changes.
                var written = session.State;
                await session.WriteStateAsync();
                _saved = written;
                var waiters = _saveWaiters;
                _saveWaiters = null;
                waiters?.TrySetResult();
                ReportToBatch(written);
            }
            finally
            {
                // With no write left to chain after this one, the idle activation lets go of the finished writes'
                // tasks, which hold the serialised state.
                if (--_writesInFlight == 0)
                {
                    _pendingWrite = Task.CompletedTask;
                }
            }
        }
    }

    /// <summary>Tells the session's batch what it now looks like; one-way, so a busy batch never slows a session.</summary>
    private void ReportToBatch(UploadSessionState state)
    {
        if (state.BatchId is { } batchId)
        {
            GrainFactory.GetGrain<IBatchGrain>(batchId).TrackAsync(new BatchSessionEntry
            {
                SessionId = Id,
                Status = state.Status,
                FileName = state.FileName,
                ContentLength = state.Length ?? state.DeclaredLength,
                Url = state.Storage?.SecureUrl,
                NotionStatus = state.Notion.Status,
                NotionPageUrl = state.Notion.PageUrl,
                Error = state.Error?.Message,
                UpdatedTime = state.UpdatedTime,
            }).Ignore();
        }
    }

    private UploadSessionSnapshot Snapshot()
    {
        var state = Saved;
        return new()
        {
            Id = Id,
            Status = state.Status,
            FileName = state.FileName,
            ContentType = state.ContentType,
            ContentLength = state.Length ?? state.DeclaredLength,
            Sha256 = state.Sha256,
            BatchId = state.BatchId,
            Metadata = state.Metadata,
            Storage = state.Storage,
            Notion = state.Notion,
            Attempts = state.Attempts,
            Error = state.Error,
            CreatedTime = state.CreatedTime,
            UpdatedTime = state.UpdatedTime,
            ExpiryTime = state.ExpiryTime,
            PublicId = state.PublicId,
            PageCount = state.PageCount,
        };
    }
}
