using System.Diagnostics;
using UploadProxy.Bench.Load;

namespace UploadProxy.Bench.Scenarios;

/// <summary>Creates many pending sessions as fast as the gateway takes them.</summary>
internal static class SessionSeeding
{
    /// <summary>Seeding stops after this long whatever the count, so a slow gateway cannot hold the run forever.</summary>
    private static readonly TimeSpan MaxDuration = TimeSpan.FromMinutes(15);

    public static async Task<(IReadOnlyList<string> Ids, LoadResult Result)> CreateAsync(
        UploadProxyClient client, int count, int concurrency, bool inBatch = true)
    {
        var ids = new string?[count];
        var next = -1;
        var result = await LoadRunner.RunAsync(concurrency, TimeSpan.Zero, MaxDuration, count, async (timer, cancellationToken) =>
        {
            var slot = Interlocked.Increment(ref next);
            var start = Stopwatch.GetTimestamp();
            ids[slot] = await client.CreateAsync(cancellationToken, inBatch);
            timer.Record("create", start);
        });
        return (ids.OfType<string>().ToList(), result);
    }
}
