using Microsoft.Extensions.DependencyInjection;
using Orleans.Concurrency;
using Orleans.Storage;
using UploadProxy.Grains.Webhooks;
using UploadProxy.Integrations.Webhooks;

namespace UploadProxy.Grains.Batches;

/// <summary>
/// Keeps a batch's sessions as they report themselves. Reports come often in a large batch, so the state is written
/// behind, at most once per <see cref="FlushInterval"/>, and only the pages of sessions that changed are written;
/// the sessions remain the truth and report again on their next change. Reentrant so that watchers waiting for
/// changes do not hold up reports. When every session has ended it raises <c>batch.completed</c>, saved at once with
/// the header, and delivers it with its own outbox; a reminder brings it back while an event is owed.
/// </summary>
[Reentrant]
public sealed class BatchGrain(
    [PersistentState("batch", StorageNames.Sessions)] IPersistentState<BatchState> batch,
    [FromKeyedServices(StorageNames.Sessions)] IGrainStorage storage,
    WebhookServices webhooks,
    TimeProvider timeProvider) : Grain, IBatchGrain, IRemindable, IWebhookOwner, IDisposable
{
    private const string WebhookReminder = "deliver-webhooks";
    private const int KeptChanges = 10_000;
    private static readonly TimeSpan FlushInterval = TimeSpan.FromSeconds(1);
    // A create reports to its batch within one grain call; a place held longer belongs to a create that failed.
    private static readonly TimeSpan ReservationLifetime = TimeSpan.FromMinutes(1);

    private readonly Dictionary<string, BatchSessionEntry> _sessions = [];
    private readonly Dictionary<string, int> _pageOf = [];
    // Session ids in the order they joined the batch: what a page's position counts in.
    private readonly List<string> _order = [];
    // Sessions per status, kept as entries change: a summary is asked for at every page and every change a watcher
    // reads, and counting a large batch each time would cost more than the rest of the call.
    private readonly Dictionary<SessionStatus, int> _counts = Enum.GetValues<SessionStatus>().ToDictionary(s => s, _ => 0);
    private int _awaitingLink;
    private int _linkFailed;
    // Places held for sessions being created and not yet reported, with when each is given up.
    private readonly Dictionary<string, DateTimeOffset> _reserved = [];
    private readonly List<GrainState<BatchPage>> _pages = [];
    private readonly HashSet<int> _changedPages = [];
    private readonly Queue<BatchChange> _changes = new();
    private TaskCompletionSource _changed = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private IGrainTimer? _flush;
    private bool _dirty;
    // Header writes of the flush timer and of the outbox, one at a time: the storage refuses overlapping writes.
    private readonly SemaphoreSlim _writing = new(1, 1);
    private readonly CancellationTokenSource _deactivating = new();
    private WebhookOutbox? _outbox;
    private IGrainTimer? _completion;

    string IWebhookOwner.WebhookOwnerKey => "batch_" + this.GetPrimaryKeyString();

    WebhookLedger? IWebhookOwner.Ledger => batch.State.Webhooks;

    public override async Task OnActivateAsync(CancellationToken cancellationToken)
    {
        for (var page = 0; page < batch.State.PageCount; page++)
        {
            var stored = new GrainState<BatchPage>();
            await storage.ReadStateAsync(PageStateName(page), this.GetGrainId(), stored);
            stored.State ??= new BatchPage();
            _pages.Add(stored);
            foreach (var entry in stored.State.Sessions.Values)
            {
                Record(entry);
                _pageOf[entry.SessionId] = page;
                _order.Add(entry.SessionId);
            }
        }

        foreach (var entry in batch.State.Sessions.Values)
        {
            Place(entry);
        }

        KickWebhooks();
        if (CompletionDue)
        {
            ScheduleCompletion();
        }
    }

    public override async Task OnDeactivateAsync(DeactivationReason reason, CancellationToken cancellationToken)
    {
        await _deactivating.CancelAsync();
        await FlushAsync();
    }

    public void Dispose()
    {
        _deactivating.Dispose();
        _writing.Dispose();
    }

    public Task TrackAsync(BatchSessionEntry entry)
    {
        if (_sessions.TryGetValue(entry.SessionId, out var known) && known.UpdatedTime > entry.UpdatedTime)
        {
            return Task.CompletedTask;
        }

        var now = timeProvider.GetUtcNow();
        BatchThroughput.Count(batch.State.Throughput, known, entry, now);
        Place(entry);
        var change = new BatchChange(++batch.State.Sequence, entry);
        batch.State.UpdatedTime = now;
        _changes.Enqueue(change);
        if (_changes.Count > KeptChanges)
        {
            _changes.Dequeue();
        }

        _flush ??= this.RegisterGrainTimer(FlushAsync, new GrainTimerCreationOptions(FlushInterval, FlushInterval) { Interleave = true });
        var changed = _changed;
        _changed = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        changed.TrySetResult();
        return CompletionChangedAsync();
    }

    public async Task ReceiveReminder(string reminderName, TickStatus status)
    {
        KickWebhooks();
        if (batch.State.Webhooks is not { Owed.Count: > 0 } && !CompletionDue && await this.GetReminder(reminderName) is { } reminder)
        {
            await this.UnregisterReminder(reminder);
        }
    }

    async Task IWebhookOwner.SaveLedgerAsync(WebhookLedger ledger)
    {
        batch.State.Webhooks = ledger;
        _dirty = true;
        await FlushAsync();
    }

    async Task IWebhookOwner.LedgerSettledAsync()
    {
        if (!CompletionDue && await this.GetReminder(WebhookReminder) is { } reminder)
        {
            await this.UnregisterReminder(reminder);
        }
    }

    /// <summary>Every session has ended: none pending or uploading, no Notion row awaited.</summary>
    private bool IsComplete =>
        _sessions.Count > 0 && _counts[SessionStatus.Pending] == 0 && _counts[SessionStatus.Uploading] == 0 && _awaitingLink == 0;

    /// <summary>The batch is complete and <c>batch.completed</c> is still to be raised for it.</summary>
    private bool CompletionDue => IsComplete && !batch.State.Completed && RaisesCompleted;

    private bool RaisesCompleted => webhooks.Options.TargetsFor(WebhookEventTypes.BatchCompleted, sessionUrl: null).Count > 0;

    /// <summary>
    /// A batch that has just become complete raises <c>batch.completed</c> once it has stayed complete for
    /// <c>Webhooks:BatchQuietPeriod</c>, so that a pipeline creating and sending one document at a time gets one event,
    /// not one per document; the reminder, registered first, brings the batch back should its process die meanwhile. A
    /// session joining a completed batch opens it again.
    /// </summary>
    private async Task CompletionChangedAsync()
    {
        if (!IsComplete)
        {
            // Reopened: the quiet period starts again from its next completion.
            batch.State.Completed = false;
            _completion?.Dispose();
            _completion = null;
        }

        if (CompletionDue && _completion is null)
        {
            await this.RegisterOrUpdateReminder(WebhookReminder, webhooks.Options.BatchQuietPeriod + webhooks.RecoveryInterval, webhooks.RecoveryInterval);
            ScheduleCompletion();
        }
    }

    private void ScheduleCompletion()
    {
        _completion?.Dispose();
        _completion = this.RegisterGrainTimer(
            RaiseCompletedAsync,
            new GrainTimerCreationOptions(webhooks.Options.BatchQuietPeriod, Timeout.InfiniteTimeSpan) { Interleave = true });
    }

    /// <summary>Raises <c>batch.completed</c> and saves it with the header at once, if the batch is still complete.</summary>
    private async Task RaiseCompletedAsync()
    {
        _completion?.Dispose();
        _completion = null;
        const string type = WebhookEventTypes.BatchCompleted;
        if (!CompletionDue || webhooks.Options.TargetsFor(type, sessionUrl: null) is not { Count: > 0 } urls)
        {
            return;
        }

        batch.State.Completed = true;
        var now = timeProvider.GetUtcNow();
        var summary = Summary();
        var data = new BatchEventData(summary.Id, summary.Total, summary.Counts, summary.AwaitingLink, summary.LinkFailed, summary.UpdatedTime);
        var owner = (IWebhookOwner)this;
        batch.State.Webhooks = (batch.State.Webhooks ?? new WebhookLedger()).Raise(owner.WebhookOwnerKey, type, new WebhookEnvelope<BatchEventData>(type, now, data).ToJson(), urls, now);
        _dirty = true;
        await FlushAsync();
        KickWebhooks();
    }

    private void KickWebhooks()
    {
        if (batch.State.Webhooks is { Owed.Count: > 0 } && !_deactivating.IsCancellationRequested)
        {
            (_outbox ??= new WebhookOutbox(this, webhooks, GrainFactory)).Kick(_deactivating.Token);
        }
    }

    public Task<BatchSnapshot?> GetAsync() =>
        Task.FromResult(_sessions.Count == 0
            ? null
            : new BatchSnapshot(Summary(), [.. _sessions.Values.OrderBy(s => s.FileName, StringComparer.Ordinal)], batch.State.Sequence));

    public async Task<BatchChanges> ReadChangesAsync(long afterSequence, TimeSpan maxWait)
    {
        if (afterSequence >= batch.State.Sequence)
        {
            await _changed.Task.WaitAsync(maxWait, timeProvider).ContinueWith(static _ => { }, TaskScheduler.Current);
        }

        var oldestKept = _changes.TryPeek(out var oldest) ? oldest.Sequence : batch.State.Sequence + 1;
        if (afterSequence + 1 < oldestKept && afterSequence < batch.State.Sequence)
        {
            return new BatchChanges([], Summary(), Reset: true);
        }

        return new BatchChanges([.. _changes.Where(c => c.Sequence > afterSequence)], Summary(), Reset: false);
    }

    public Task<bool> TryReserveAsync(string sessionId, int maxSessions)
    {
        // No await from the check to the hold: a reentrant grain still runs one turn at a time.
        if (_sessions.ContainsKey(sessionId) || _reserved.ContainsKey(sessionId))
        {
            return Task.FromResult(true);
        }

        var now = timeProvider.GetUtcNow();
        foreach (var held in _reserved.Where(r => r.Value <= now).Select(r => r.Key).ToList())
        {
            _reserved.Remove(held);
        }

        if (_sessions.Count + _reserved.Count >= maxSessions)
        {
            return Task.FromResult(false);
        }

        _reserved[sessionId] = now + ReservationLifetime;
        return Task.FromResult(true);
    }

    public Task<BatchSessionsPage?> GetPageAsync(BatchPageQuery query)
    {
        if (_sessions.Count == 0)
        {
            return Task.FromResult<BatchSessionsPage?>(null);
        }

        var sessions = new List<BatchSessionEntry>(Math.Min(query.Limit, _order.Count));
        int? next = null;
        for (var position = Math.Max(0, query.Position); position < _order.Count; position++)
        {
            var entry = _sessions[_order[position]];
            if (query.Status is { } status && entry.Status != status)
            {
                continue;
            }

            if (sessions.Count == query.Limit)
            {
                // The next page starts at the first session it will show, so the last page is known to be the last.
                next = position;
                break;
            }

            sessions.Add(entry);
        }

        return Task.FromResult<BatchSessionsPage?>(new BatchSessionsPage(Summary(), sessions, next, batch.State.Sequence)
        {
            Throughput = BatchThroughput.Last(batch.State.Throughput, timeProvider.GetUtcNow()),
        });
    }

    public Task<IReadOnlyList<string>?> GetFailedLinksAsync() =>
        Task.FromResult<IReadOnlyList<string>?>(_sessions.Count == 0 ? null : [.. _order.Where(id => IsLinkFailed(_sessions[id]))]);

    private static string PageStateName(int page) => $"batch-page-{page}";

    // Every page is created with its state, and a page read from storage gets an empty one when it has none.
    private BatchPage PageAt(int index) => _pages[index].State!;

    /// <summary>Records the entry in the page of its session, or in the last page when the session is new.</summary>
    private void Place(BatchSessionEntry entry)
    {
        Record(entry);
        if (!_pageOf.TryGetValue(entry.SessionId, out var page))
        {
            if (_pages.Count == 0 || PageAt(_pages.Count - 1).Sessions.Count >= BatchPage.Capacity)
            {
                _pages.Add(new GrainState<BatchPage>(new BatchPage()));
            }

            page = _pages.Count - 1;
            _pageOf[entry.SessionId] = page;
            _order.Add(entry.SessionId);
            _reserved.Remove(entry.SessionId);
        }

        PageAt(page).Sessions[entry.SessionId] = entry;
        _changedPages.Add(page);
        _dirty = true;
    }

    /// <summary>Holds the entry as its session's latest, and moves its count to its status.</summary>
    private void Record(BatchSessionEntry entry)
    {
        if (_sessions.TryGetValue(entry.SessionId, out var previous))
        {
            _counts[previous.Status]--;
            _awaitingLink -= AwaitsLink(previous) ? 1 : 0;
            _linkFailed -= IsLinkFailed(previous) ? 1 : 0;
        }

        _sessions[entry.SessionId] = entry;
        _counts[entry.Status]++;
        _awaitingLink += AwaitsLink(entry) ? 1 : 0;
        _linkFailed += IsLinkFailed(entry) ? 1 : 0;
    }

    // A session that may still upload, or did, and whose row is not written yet: the queue the ETA is counted from.
    private static bool AwaitsLink(BatchSessionEntry entry) =>
        entry.NotionStatus == NotionLinkStatus.Pending && entry.Status is SessionStatus.Pending or SessionStatus.Uploading or SessionStatus.Uploaded;

    private static bool IsLinkFailed(BatchSessionEntry entry) =>
        entry is { Status: SessionStatus.Uploaded, NotionStatus: NotionLinkStatus.Failed };

    private BatchSummary Summary() =>
        new(this.GetPrimaryKeyString(), _sessions.Count, new Dictionary<SessionStatus, int>(_counts), batch.State.UpdatedTime)
        {
            AwaitingLink = _awaitingLink,
            LinkFailed = _linkFailed,
        };

    private async Task FlushAsync()
    {
        await _writing.WaitAsync();
        try
        {
            await FlushChangesAsync();
        }
        finally
        {
            _writing.Release();
        }
    }

    private async Task FlushChangesAsync()
    {
        if (!_dirty)
        {
            return;
        }

        _dirty = false;
        var changedPages = _changedPages.Order().ToList();
        _changedPages.Clear();
        try
        {
            // The header first: a page it counts but that was not written yet reads as empty, never the reverse.
            batch.State.PageCount = _pages.Count;
            batch.State.Sessions.Clear();
            await batch.WriteStateAsync();
            foreach (var page in changedPages)
            {
                await storage.WriteStateAsync(PageStateName(page), this.GetGrainId(), _pages[page]);
            }
        }
        catch
        {
            // Written again at the next flush.
            _changedPages.UnionWith(changedPages);
            _dirty = true;
            throw;
        }

        GrainFactory.GetGrain<IBatchDirectoryGrain>(0).UpdateAsync(Summary()).Ignore();
    }
}
