using System.Diagnostics;
using UploadProxy.Bench.Infrastructure;

namespace UploadProxy.Bench.Load;

/// <summary>
/// Closed-loop load: <c>concurrency</c> workers each run one iteration after another, first for a warm-up that is
/// not recorded, then for a measured phase bounded both in time and in count. Every loop stops by itself.
/// </summary>
internal static class LoadRunner
{
    /// <summary>A run with more failed iterations than this stops: the figures would mean nothing.</summary>
    private const long MaxErrors = 50;

    /// <param name="watchedProcess">A process whose CPU time in the measured phase the result carries (the gateway).</param>
    public static async Task<LoadResult> RunAsync(
        int concurrency,
        TimeSpan warmup,
        TimeSpan duration,
        long maxIterations,
        Func<RouteTimer, CancellationToken, Task> iteration,
        int? watchedProcess = null)
    {
        if (warmup > TimeSpan.Zero)
        {
            await RunPhaseAsync(concurrency, warmup, long.MaxValue, iteration, watchedProcess: null);
        }

        return await RunPhaseAsync(concurrency, duration, maxIterations, iteration, watchedProcess);
    }

    private static async Task<LoadResult> RunPhaseAsync(
        int concurrency, TimeSpan duration, long maxIterations, Func<RouteTimer, CancellationToken, Task> iteration, int? watchedProcess)
    {
        using var failed = new CancellationTokenSource();
        var deadline = Stopwatch.GetTimestamp() + (long)(duration.TotalSeconds * Stopwatch.Frequency);
        long started = 0;
        long completed = 0;
        long errors = 0;
        string? firstError = null;
        var timers = new RouteTimer[concurrency];

        var cpu = CpuSnapshot.Take(watchedProcess);
        var start = Stopwatch.GetTimestamp();
        var workers = Enumerable.Range(0, concurrency).Select(worker => Task.Run(async () =>
        {
            var timer = timers[worker] = new RouteTimer();
            while (!failed.IsCancellationRequested
                && Stopwatch.GetTimestamp() < deadline
                && Interlocked.Increment(ref started) <= maxIterations)
            {
                try
                {
                    await iteration(timer, failed.Token);
                    Interlocked.Increment(ref completed);
                }
                catch (Exception ex) when (!failed.IsCancellationRequested)
                {
                    Interlocked.CompareExchange(ref firstError, $"{ex.GetType().Name}: {ex.Message}", null);
                    if (Interlocked.Increment(ref errors) > MaxErrors)
                    {
                        await failed.CancelAsync();
                    }
                }
                catch (Exception) when (failed.IsCancellationRequested)
                {
                    // Another worker gave up on the run; it reports why.
                }
            }
        })).ToList();
        await Task.WhenAll(workers);
        var elapsed = Stopwatch.GetElapsedTime(start);
        var end = CpuSnapshot.Take(watchedProcess);
        var (machineCpu, foreignCpu) = CpuSnapshot.Between(cpu, end, elapsed);

        if (failed.IsCancellationRequested)
        {
            throw new InvalidOperationException($"More than {MaxErrors} iterations failed; the first: {firstError}");
        }

        var merged = new Dictionary<string, List<double>>(StringComparer.Ordinal);
        foreach (var timer in timers)
        {
            foreach (var (route, samples) in timer.Samples)
            {
                if (!merged.TryGetValue(route, out var all))
                {
                    merged[route] = all = [];
                }

                all.AddRange(samples);
            }
        }

        return new LoadResult(
            completed,
            elapsed,
            errors,
            firstError,
            merged.ToDictionary(pair => pair.Key, pair => LatencySummary.From(pair.Value), StringComparer.Ordinal),
            machineCpu,
            foreignCpu,
            CpuSnapshot.WatchedBetween(cpu, end));
    }

    /// <summary>
    /// Open-loop load: requests start on a fixed schedule whatever the answers do, and each latency counts from
    /// the request's scheduled start, so a stall shows in the figures instead of slowing the load down. The schedule
    /// is kept by a dedicated thread (not a pool thread that would wake late when the pool is busy), which starts
    /// each request itself; answers complete on the pool.
    /// </summary>
    public static async Task<LoadResult> RunPacedAsync(
        string route, double perSecond, TimeSpan duration, int maxInFlight, Func<CancellationToken, Task> request)
    {
        var total = (long)(perSecond * duration.TotalSeconds);
        var latencies = new List<double>((int)Math.Min(total, int.MaxValue));
        var inFlight = new List<Task>();
        long errors = 0;
        long skipped = 0;
        string? firstError = null;
        using var slots = new SemaphoreSlim(maxInFlight);

        async Task SendAsync(long scheduled)
        {
            try
            {
                await request(CancellationToken.None);
                var milliseconds = Stopwatch.GetElapsedTime(scheduled).TotalMilliseconds;
                lock (latencies)
                {
                    latencies.Add(milliseconds);
                }
            }
            catch (Exception ex) when (ex is HttpRequestException or InvalidOperationException or TaskCanceledException)
            {
                Interlocked.CompareExchange(ref firstError, $"{ex.GetType().Name}: {ex.Message}", null);
                Interlocked.Increment(ref errors);
            }
            finally
            {
                slots.Release();
            }
        }

        var cpu = CpuSnapshot.Take();
        var start = Stopwatch.GetTimestamp();
        var scheduler = new Thread(() =>
        {
            for (long issued = 0; issued < total; issued++)
            {
                var scheduled = start + (long)(issued / perSecond * Stopwatch.Frequency);
                WaitUntil(scheduled);
                if (!slots.Wait(0))
                {
                    // More than maxInFlight outstanding: the server is not keeping up with the schedule.
                    skipped++;
                    continue;
                }

                inFlight.Add(SendAsync(scheduled));
            }
        })
        {
            IsBackground = true,
            Name = "paced load",
        };
        scheduler.Start();
        await Task.Run(scheduler.Join);
        await Task.WhenAll(inFlight);
        var elapsed = Stopwatch.GetElapsedTime(start);
        var (machineCpu, foreignCpu) = CpuSnapshot.Between(cpu, CpuSnapshot.Take(), elapsed);
        if (skipped > 0)
        {
            errors += skipped;
            firstError ??= $"{skipped} scheduled requests were not sent: {maxInFlight} were already waiting for an answer";
        }

        return new LoadResult(
            latencies.Count,
            elapsed,
            errors,
            firstError,
            new Dictionary<string, LatencySummary>(StringComparer.Ordinal) { [route] = LatencySummary.From(latencies) },
            machineCpu,
            foreignCpu);
    }

    /// <summary>Sleeps while the time is more than 2 ms away, then yields until it comes (sub-millisecond precision).</summary>
    private static void WaitUntil(long timestamp)
    {
        var twoMilliseconds = Stopwatch.Frequency / 500;
        long now;
        while ((now = Stopwatch.GetTimestamp()) < timestamp)
        {
            if (timestamp - now > twoMilliseconds)
            {
                Thread.Sleep(1);
            }
            else
            {
                Thread.Yield();
            }
        }
    }
}
