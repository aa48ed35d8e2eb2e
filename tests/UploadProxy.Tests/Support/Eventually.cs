using System.Diagnostics;

namespace UploadProxy.Tests.Support;

/// <summary>
/// Waits for something a test cannot be told about, by polling it. A wait never ends quietly: at its deadline it
/// fails the test with what it waited for and what it saw last, so a late or missing outcome is never taken for a
/// good one.
/// </summary>
public static class Eventually
{
    private static readonly TimeSpan Interval = TimeSpan.FromMilliseconds(100);

    /// <summary>Reads until <paramref name="done"/> holds and returns that reading; fails the test at the deadline.</summary>
    public static async Task<T> UntilAsync<T>(string awaited, Func<Task<T>> read, Func<T, bool> done, TimeSpan patience, Func<T, string>? describe = null)
    {
        var clock = Stopwatch.StartNew();
        while (true)
        {
            var value = await read();
            if (done(value))
            {
                return value;
            }

            if (clock.Elapsed >= patience)
            {
                throw new TimeoutException($"Waited {patience.TotalSeconds:0} s for {awaited}, in vain. Last seen: {describe?.Invoke(value) ?? value?.ToString()}");
            }

            await Task.Delay(Interval);
        }
    }

    /// <summary>Waits until <paramref name="done"/> holds; fails the test at the deadline with <paramref name="describe"/>.</summary>
    public static Task UntilAsync(string awaited, Func<bool> done, TimeSpan patience, Func<string>? describe = null) =>
        UntilAsync(awaited, () => Task.FromResult(done()), d => d, patience, _ => describe?.Invoke() ?? "not yet");
}
