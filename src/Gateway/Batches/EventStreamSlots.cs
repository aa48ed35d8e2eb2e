using Microsoft.Extensions.Options;

namespace UploadProxy.Gateway.Batches;

/// <summary>
/// Counts the batch event streams open in this process, per API key and in total, so that one caller (or many) cannot
/// hold every connection and keep as many grain calls waiting: a stream takes a slot before it starts and gives it
/// back when its request ends, however it ends.
/// </summary>
internal sealed class EventStreamSlots(IOptions<GatewayOptions> options)
{
    /// <summary>Streams last minutes to hours; asking again sooner than this is unlikely to find one closed.</summary>
    public const int RetryAfterSeconds = 10;

    // All keyless callers (a loopback-only gateway) share one count.
    private const string Keyless = "";

    private readonly Lock _lock = new();
    private readonly Dictionary<string, int> _perKey = [];
    private readonly GatewayOptions _options = options.Value;
    private int _total;

    /// <summary>A slot for <paramref name="key"/>, to dispose when the stream ends; null when the key or the process has none left.</summary>
    public IDisposable? TryTake(string? key)
    {
        key ??= Keyless;
        lock (_lock)
        {
            var held = _perKey.GetValueOrDefault(key);
            if (held >= _options.MaxEventStreamsPerKey || _total >= _options.MaxEventStreams)
            {
                return null;
            }

            _perKey[key] = held + 1;
            _total++;
        }

        return new Slot(this, key);
    }

    private void Return(string key)
    {
        lock (_lock)
        {
            _total--;
            if (--_perKey[key] == 0)
            {
                _perKey.Remove(key);
            }
        }
    }

    private sealed class Slot(EventStreamSlots slots, string key) : IDisposable
    {
        private int _returned;

        public void Dispose()
        {
            if (Interlocked.Exchange(ref _returned, 1) == 0)
            {
                slots.Return(key);
            }
        }
    }
}
