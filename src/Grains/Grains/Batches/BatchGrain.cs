using Orleans.Concurrency;

namespace UploadProxy.Grains.Batches;

/// <summary>
/// Keeps a batch's sessions as they report themselves. Reports come often in a large batch, so the state is written
/// behind, at most once per <see cref="FlushInterval"/>; the sessions remain the truth and report again on their
/// next change. Reentrant so that watchers waiting for changes do not hold up reports.
/// </summary>
[Reentrant]
public sealed class BatchGrain(
    [PersistentState("batch", StorageNames.Sessions)] IPersistentState<BatchState> batch,
    TimeProvider timeProvider) : Grain, IBatchGrain
{
    private const int KeptChanges = 10_000;
    private static readonly TimeSpan FlushInterval = TimeSpan.FromSeconds(1);

    private readonly Queue<BatchChange> _changes = new();
    private TaskCompletionSource _changed = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private IGrainTimer? _flush;
    private bool _dirty;

    public override Task OnDeactivateAsync(DeactivationReason reason, CancellationToken cancellationToken) => FlushAsync();

    public Task TrackAsync(BatchSessionEntry entry)
    {
        var sessions = batch.State.Sessions;
        if (sessions.TryGetValue(entry.SessionId, out var known) && known.UpdatedTime > entry.UpdatedTime)
        {
            return Task.CompletedTask;
        }

        sessions[entry.SessionId] = entry;
        var change = new BatchChange(++batch.State.Sequence, entry);
        batch.State.UpdatedTime = timeProvider.GetUtcNow();
        _changes.Enqueue(change);
        if (_changes.Count > KeptChanges)
        {
            _changes.Dequeue();
        }

        _dirty = true;
        _flush ??= this.RegisterGrainTimer(FlushAsync, new GrainTimerCreationOptions(FlushInterval, FlushInterval) { Interleave = true });
        var changed = _changed;
        _changed = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        changed.TrySetResult();
        return Task.CompletedTask;
    }

    public Task<BatchSnapshot?> GetAsync() =>
        Task.FromResult(batch.State.Sessions.Count == 0
            ? null
            : new BatchSnapshot(Summary(), [.. batch.State.Sessions.Values.OrderBy(s => s.FileName, StringComparer.Ordinal)], batch.State.Sequence));

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

    private BatchSummary Summary()
    {
        var counts = Enum.GetValues<SessionStatus>().ToDictionary(s => s, _ => 0);
        foreach (var session in batch.State.Sessions.Values)
        {
            counts[session.Status]++;
        }

        return new BatchSummary(this.GetPrimaryKeyString(), batch.State.Sessions.Count, counts, batch.State.UpdatedTime);
    }

    private async Task FlushAsync()
    {
        if (!_dirty)
        {
            return;
        }

        _dirty = false;
        await batch.WriteStateAsync();
        GrainFactory.GetGrain<IBatchDirectoryGrain>(0).UpdateAsync(Summary()).Ignore();
    }
}
