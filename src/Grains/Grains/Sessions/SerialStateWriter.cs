namespace UploadProxy.Grains.Sessions;

/// <summary>
/// The state writes of one reentrant grain, one after the other: interleaved calls must not overlap writes, or the
/// storage provider fails the second with an ETag conflict. Callers are answered from <see cref="Saved"/>, the state
/// as last written, never from a change that a crash could still take back.
/// </summary>
internal sealed class SerialStateWriter<TState>(IPersistentState<TState> state, Action<TState> written)
    where TState : class
{
    private Task _pendingWrite = Task.CompletedTask;
    private int _writesInFlight;
    // Created on first use: most grains sit idle, and an idle activation should cost as little as it can.
    private TaskCompletionSource? _waiters;

    public TState Saved { get; private set; } = state.State;

    /// <summary>Writes the state as it is when the write starts, after any write still in flight.</summary>
    public Task SaveAsync()
    {
        _writesInFlight++;
        _pendingWrite = WriteAfterAsync(_pendingWrite);
        return _pendingWrite;
    }

    /// <summary>
    /// Waits, at most <paramref name="maxWait"/>, while the saved state matches <paramref name="waitWhile"/> or a change
    /// is not written yet (such as an accept still being saved by a concurrent call); <paramref name="beforeEachWait"/>
    /// runs before each wait.
    /// </summary>
    public async Task WaitAsync(Func<TState, bool> waitWhile, TimeSpan maxWait, TimeProvider timeProvider, Action beforeEachWait)
    {
        using var timeout = new CancellationTokenSource(maxWait, timeProvider);
        while ((waitWhile(Saved) || !ReferenceEquals(Saved, state.State)) && !timeout.IsCancellationRequested)
        {
            beforeEachWait();
            try
            {
                await (_waiters ??= new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously)).Task.WaitAsync(timeout.Token);
            }
            catch (OperationCanceledException)
            {
                return;
            }
        }
    }

    private async Task WriteAfterAsync(Task before)
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
            var writing = state.State;
            await state.WriteStateAsync();
            Saved = writing;
            var waiters = _waiters;
            _waiters = null;
            waiters?.TrySetResult();
            written(writing);
        }
        finally
        {
            // With no write left to chain after this one, the idle activation lets go of the finished writes' tasks,
            // which hold the serialised state.
            if (--_writesInFlight == 0)
            {
                _pendingWrite = Task.CompletedTask;
            }
        }
    }
}
