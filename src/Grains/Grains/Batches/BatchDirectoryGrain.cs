namespace UploadProxy.Grains.Batches;

[GenerateSerializer]
public sealed record BatchDirectoryState
{
    [Id(0)] public Dictionary<string, BatchSummary> Batches { get; init; } = [];
}

/// <summary>The most recently updated batches, for the dashboard's list; written behind like <see cref="BatchGrain"/>.</summary>
public sealed class BatchDirectoryGrain(
    [PersistentState("batch-directory", StorageNames.Sessions)] IPersistentState<BatchDirectoryState> directory) : Grain, IBatchDirectoryGrain
{
    private const int Kept = 200;
    private static readonly TimeSpan FlushInterval = TimeSpan.FromSeconds(2);

    private IGrainTimer? _flush;
    private bool _dirty;

    public override Task OnDeactivateAsync(DeactivationReason reason, CancellationToken cancellationToken) => FlushAsync();

    public Task UpdateAsync(BatchSummary summary)
    {
        var batches = directory.State.Batches;
        batches[summary.Id] = summary;
        if (batches.Count > Kept)
        {
            batches.Remove(batches.Values.MinBy(b => b.UpdatedTime)!.Id);
        }

        _dirty = true;
        _flush ??= this.RegisterGrainTimer(FlushAsync, new GrainTimerCreationOptions(FlushInterval, FlushInterval));
        return Task.CompletedTask;
    }

    public Task<IReadOnlyList<BatchSummary>> ListAsync() =>
        Task.FromResult<IReadOnlyList<BatchSummary>>([.. directory.State.Batches.Values.OrderByDescending(b => b.UpdatedTime)]);

    private async Task FlushAsync()
    {
        if (_dirty)
        {
            _dirty = false;
            await directory.WriteStateAsync();
        }
    }
}
