using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Orleans.Concurrency;
using UploadProxy.Grains.Contract;
using UploadProxy.Grains.Diagnostics;
using UploadProxy.Grains.Sessions.Steps;
using UploadProxy.Grains.Webhooks;
using UploadProxy.Integrations.Cloudinary;
using UploadProxy.Integrations.Notion;
using UploadProxy.Persistence.Staging;

namespace UploadProxy.Grains.Sessions;

/// <summary>
/// One upload session. Its states and transitions are in <see cref="SessionLifecycle"/>, and its steps (store,
/// inspect, link) in <c>Steps/</c>; the grain answers calls, runs the next step until none is left, saves every
/// transition, and owns the staged bytes. It is reentrant so that <see cref="GetAsync"/> and waiting callers are
/// answered while a step is in flight; state writes are chained (see <see cref="SaveAsync"/>) because the storage
/// provider refuses overlapping writes of one grain, and callers are answered from the last saved state only. A
/// durable reminder expires a session left without its document and resumes unfinished work after a crash. Each status
/// it enters raises its webhook event in the same write (<see cref="Update"/>), which its outbox then delivers beside
/// the work.
/// </summary>
[Reentrant]
public sealed partial class UploadSessionGrain(
    [PersistentState("session", StorageNames.Sessions)] IPersistentState<UploadSessionState> session,
    SessionSteps steps,
    IDocumentStagingStore staging,
    IUploadPartStore parts,
    IOptions<SessionOptions> sessionOptions,
    IOptions<CloudinaryOptions> cloudinaryOptions,
    IOptions<NotionOptions> notionOptions,
    WebhookServices webhooks,
    TimeProvider timeProvider,
    ILogger<UploadSessionGrain> logger) : Grain, IUploadSessionGrain, IRemindable, IStepSession, IWebhookOwner, IDisposable
{
    private readonly SessionOptions _options = sessionOptions.Value;
    // Created on first use: most sessions sit idle, and an idle activation should cost as little as it can.
    private CancellationTokenSource? _deactivating;
    private SerialStateWriter<UploadSessionState>? _writer;
    private SessionReminder? _reminder;
    private Task? _work;
    private WebhookOutbox? _outbox;
    // A write of the ledger alone changes nothing the batch shows, and is not reported to it.
    private UploadSessionState? _ledgerWrite;
    private bool _accepting;
    private bool _attemptCounted;
    private bool _inspectionStartedHere;
    private int _failures;

    public string Id => this.GetPrimaryKeyString();

    public UploadSessionState State => session.State;

    string IWebhookOwner.WebhookOwnerKey => Id;

    WebhookLedger? IWebhookOwner.Ledger => State.Webhooks;

    private CancellationToken Deactivating => (_deactivating ??= new CancellationTokenSource()).Token;

    private bool IsDeactivating => _deactivating?.IsCancellationRequested == true;

    /// <summary>What callers are answered from: the state as last written to storage.</summary>
    private UploadSessionState Saved => _writer!.Saved;

    public override Task OnActivateAsync(CancellationToken cancellationToken)
    {
        _writer = new SerialStateWriter<UploadSessionState>(session, Written);
        _reminder = new SessionReminder(this, _options.RecoveryInterval);
        // A session activated with work left was cut off (crash, lost silo, deactivation): resume at once.
        EnsureWorkRunning();
        KickWebhooks();
        return Task.CompletedTask;
    }

    public override async Task OnDeactivateAsync(DeactivationReason reason, CancellationToken cancellationToken)
    {
        // A graceful hand-over (silo shutdown, rebalancing): stop where the work is; the saved state says what is left.
        _deactivating ??= new CancellationTokenSource();
        await _deactivating.CancelAsync();
        var running = Task.WhenAll(_work ?? Task.CompletedTask, _outbox?.Running ?? Task.CompletedTask);
        await running.WaitAsync(cancellationToken).ContinueWith(static _ => { }, TaskScheduler.Current);
    }

    public void Dispose() => _deactivating?.Dispose();

    public async Task<UploadSessionSnapshot> CreateAsync(CreateSessionCommand command)
    {
        if (session.RecordExists)
        {
            return Snapshot();
        }

        var now = timeProvider.GetUtcNow();
        Update(SessionLifecycle.Created(command, DocumentNames.NewPublicIdPrefix(now), notionOptions.Value.IsConfigured, now, _options.PendingLifetime));
        // Registered before the write: a reminder without a session finds nothing and goes away.
        await _reminder!.RegisterAsync(dueTime: _options.PendingLifetime, keepHandle: false);
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
        if (State.SendRefusal(document) is { } refusal)
        {
            // Only the very bytes the session already holds stay staged; any other copy is the gateway's to delete.
            return new SendResult(refusal, Snapshot(), refusal == SendOutcome.AlreadyAccepted && State.StagingKey == document.StagingKey);
        }

        // Claim the session before the first await, so that a concurrent send sees Sha256 already set.
        var fileName = State.FileName ?? document.FileName ?? DocumentNames.DefaultFileName;
        var pending = State;
        Update(State.Accepted(document, fileName, DocumentNames.PublicId(cloudinaryOptions.Value.Folder, State.PublicIdPrefix, fileName)));
        _attemptCounted = true;
        _accepting = true;
        try
        {
            // Before the write: if this silo dies after it, the reminder finds the session uploading and resumes it.
            await _reminder!.RegisterAsync();
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

        await _writer!.WaitAsync(static saved => saved.Status == SessionStatus.Uploading, maxWait, timeProvider, EnsureWorkRunning);
        return Snapshot();
    }

    public Task<bool> NeedsStagedDocumentAsync(string stagingKey) => Task.FromResult(State.StagingKey == stagingKey);

    public async Task<UploadSessionSnapshot?> RetryLinkAsync()
    {
        if (!session.RecordExists)
        {
            return null;
        }

        if (State is { Status: SessionStatus.Uploaded, Notion.Status: NotionLinkStatus.Failed })
        {
            await _reminder!.RegisterAsync();
            await TransitionAsync(State.LinkRetried());
            LogLinkRetried(Id);
            EnsureWorkRunning();
        }

        return Snapshot();
    }

    public async Task ReceiveReminder(string reminderName, TickStatus status)
    {
        if (reminderName != SessionReminder.Name)
        {
            return;
        }

        KickWebhooks();
        if (State.NextStep() != SessionStep.None)
        {
            EnsureWorkRunning();
        }
        else if (session.RecordExists && State.Status == SessionStatus.Pending)
        {
            // Expires the session once due; before that (clocks of silos differ), the reminder comes again.
            await ExpireIfDueAsync();
        }
        else if (!OwesWebhooks)
        {
            await _reminder!.UnregisterAsync();
        }
    }

    /// <summary>Saves the next state, then deletes the staged bytes it let go of; ends the reminder once nothing is left to do.</summary>
    public async Task TransitionAsync(UploadSessionState next)
    {
        var released = State.StagingKey is { } key && next.StagingKey != key ? key : null;
        _inspectionStartedHere |= State.InspectionStartedAt is null && next.InspectionStartedAt is not null;
        Update(next);
        await SaveAsync();
        if (released is not null)
        {
            await staging.DeleteAsync(released, CancellationToken.None);
        }

        if (IsSettled)
        {
            await _reminder!.UnregisterAsync();
        }
    }

    async Task IWebhookOwner.SaveLedgerAsync(WebhookLedger ledger)
    {
        session.State = _ledgerWrite = State with { Webhooks = ledger };
        await SaveAsync();
    }

    async Task IWebhookOwner.LedgerSettledAsync()
    {
        if (IsSettled)
        {
            await _reminder!.UnregisterAsync();
        }
    }

    /// <summary>Nothing left to do: no step, no document to wait for, no webhook event owed; the reminder can go.</summary>
    private bool IsSettled => State.NextStep() == SessionStep.None && State.Status != SessionStatus.Pending && !OwesWebhooks;

    private bool OwesWebhooks => State.Webhooks is { Owed.Count: > 0 };

    private void KickWebhooks()
    {
        if (OwesWebhooks && !IsDeactivating)
        {
            (_outbox ??= new WebhookOutbox(this, webhooks, GrainFactory)).Kick(Deactivating);
        }
    }

    private void EnsureWorkRunning()
    {
        if (State.NextStep() != SessionStep.None && !_accepting && !IsDeactivating && _work is null or { IsCompleted: true })
        {
            _work = WorkAsync();
        }
    }

    /// <summary>Runs the session's next step until none is left, backing off after each transient failure.</summary>
    private async Task WorkAsync()
    {
        try
        {
            while (State.NextStep() is var step and not SessionStep.None)
            {
                if (await RunAsync(step) == StepOutcome.Progressed)
                {
                    _failures = 0;
                    continue;
                }

                var delay = _options.RetryDelay(++_failures);
                LogBackingOff(Id, step, delay);
                await Task.Delay(delay, timeProvider, Deactivating);
            }
        }
        catch (OperationCanceledException) when (IsDeactivating)
        {
            LogHandedOver(Id);
        }
        catch (Exception ex)
        {
            // Most likely the state store is unreachable. What is saved is still right; the next activation reloads
            // it and the reminder resumes the work.
            LogWorkInterrupted(ex, Id);
            DeactivateOnIdle();
        }
    }

    private async Task<StepOutcome> RunAsync(SessionStep step)
    {
        // An attempt counted by the accept is counted once; the next attempt counts itself, whatever this one does.
        var attemptCounted = _attemptCounted;
        _attemptCounted = false;
        return step switch
        {
            SessionStep.Store => await steps.Store.RunAsync(this, attemptCounted, Deactivating),
            SessionStep.Inspect => await steps.Inspect.RunAsync(this, _inspectionStartedHere, Deactivating),
            SessionStep.Link => await steps.Link.RunAsync(this, Deactivating),
            _ => throw new InvalidOperationException($"No step runs for {step}."),
        };
    }

    private async Task ExpireIfDueAsync()
    {
        if (State.IsDueToExpire(timeProvider.GetUtcNow()))
        {
            await TransitionAsync(State.Expired());
            if (State.Protocol == UploadProtocol.Tus)
            {
                // An expired tus upload's bytes are swept with it.
                await parts.DeleteAsync(Id, CancellationToken.None);
            }
        }
    }

    /// <summary>
    /// Makes <paramref name="next"/> the state to save. Entering a status raises its webhook event in the same state,
    /// so the event is saved with the transition or not at all. The ledger is always the current one: a transition
    /// computed from an earlier state must not bring back an event the outbox has delivered since.
    /// </summary>
    private void Update(UploadSessionState next)
    {
        var now = timeProvider.GetUtcNow();
        var ledger = State.Webhooks;
        if (next.Status != State.Status)
        {
            UploadProxyMetrics.SessionTransitions.Add(1, new KeyValuePair<string, object?>("status", next.Status.ToString().ToLowerInvariant()));
            if (SessionEvents.For(next.Status) is { } type && webhooks.Options.TargetsFor(type, next.WebhookUrl) is { Count: > 0 } urls)
            {
                var shown = next with { UpdatedTime = now, Webhooks = ledger };
                var body = new WebhookEnvelope<SessionResource>(type, now, SessionResource.From(shown.ToSnapshot(Id), webhooks.PublicBaseUrl)).ToJson();
                ledger = (ledger ?? new WebhookLedger()).Raise(Id, type, body, urls, now);
            }
        }

        session.State = next with { UpdatedTime = now, Webhooks = ledger };
    }

    private Task SaveAsync() => _writer!.SaveAsync();

    /// <summary>After each write: delivers the events it saved, and tells the session's batch what it now looks like.</summary>
    private void Written(UploadSessionState state)
    {
        KickWebhooks();
        if (!ReferenceEquals(state, _ledgerWrite))
        {
            ReportToBatch(state);
        }
    }

    /// <summary>One-way, so a busy batch never slows a session.</summary>
    private void ReportToBatch(UploadSessionState state)
    {
        if (state.BatchId is { } batchId)
        {
            GrainFactory.GetGrain<IBatchGrain>(batchId).TrackAsync(state.ToBatchEntry(Id)).Ignore();
        }
    }

    private UploadSessionSnapshot Snapshot() => Saved.ToSnapshot(Id);
}
