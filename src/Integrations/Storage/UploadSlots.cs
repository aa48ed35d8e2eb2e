using Microsoft.Extensions.Options;
using UploadProxy.Integrations.Cloudinary;

namespace UploadProxy.Integrations.Storage;

/// <summary>
/// How many documents this process (a silo) stores at once: <c>Cloudinary:MaxConcurrentUploads</c>. Past it, sessions
/// wait their turn, served round-robin across batches so that a 10 000-document batch does not hold up a small one
/// behind it. A waiting session holds no bytes in memory (they stay staged), only its place in the queue; a wait
/// given up (the session deactivating) leaves the queue.
/// </summary>
public sealed class UploadSlots(IOptions<CloudinaryOptions> options)
{
    private readonly int _capacity = options.Value.MaxConcurrentUploads;
    private readonly Lock _gate = new();
    // Waiters per batch ("" for sessions without one), and the batches with waiters in the order they take turns.
    private readonly Dictionary<string, Queue<TaskCompletionSource>> _waiting = new(StringComparer.Ordinal);
    private readonly Queue<string> _turns = new();
    private int _inUse;
    private int _queued;

    /// <summary>Uploads running now in this process.</summary>
    public int InUse
    {
        get
        {
            lock (_gate)
            {
                return _inUse;
            }
        }
    }

    /// <summary>Sessions waiting for a slot in this process.</summary>
    public int Queued
    {
        get
        {
            lock (_gate)
            {
                return _queued;
            }
        }
    }

    /// <summary>Waits for a slot; dispose the lease once the upload has ended, however it ended.</summary>
    public async ValueTask<Lease> AcquireAsync(string? batchId, CancellationToken cancellationToken)
    {
        TaskCompletionSource waiter;
        lock (_gate)
        {
            if (_inUse < _capacity && _queued == 0)
            {
                _inUse++;
                return new Lease(this);
            }

            var key = batchId ?? "";
            waiter = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            if (!_waiting.TryGetValue(key, out var queue))
            {
                _waiting[key] = queue = new Queue<TaskCompletionSource>();
                _turns.Enqueue(key);
            }

            queue.Enqueue(waiter);
            _queued++;
        }

        // A cancelled waiter stays in its queue and is skipped when its turn comes.
        await using (cancellationToken.Register(() => Abandon(waiter, cancellationToken)))
        {
            await waiter.Task;
        }

        return new Lease(this);
    }

    private void Abandon(TaskCompletionSource waiter, CancellationToken cancellationToken)
    {
        lock (_gate)
        {
            if (waiter.TrySetCanceled(cancellationToken))
            {
                _queued--;
            }
        }
    }

    /// <summary>Hands the slot to the next waiter of the next batch in turn, or frees it.</summary>
    private void Release()
    {
        lock (_gate)
        {
            while (_turns.TryDequeue(out var key))
            {
                var queue = _waiting[key];
                var next = queue.Dequeue();
                if (queue.Count > 0)
                {
                    _turns.Enqueue(key);
                }
                else
                {
                    _waiting.Remove(key);
                }

                if (next.TrySetResult())
                {
                    _queued--;
                    return;
                }
            }

            _inUse--;
        }
    }

    /// <summary>One slot, given back once.</summary>
    public sealed class Lease(UploadSlots slots) : IDisposable
    {
        private int _released;

        public void Dispose()
        {
            if (Interlocked.Exchange(ref _released, 1) == 0)
            {
                slots.Release();
            }
        }
    }
}
