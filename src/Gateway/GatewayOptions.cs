using System.ComponentModel.DataAnnotations;

namespace UploadProxy.Gateway;

public sealed class GatewayOptions
{
    public const string SectionName = "Gateway";

    /// <summary>Largest document <c>send</c> accepts; the body is not read past it.</summary>
    [Range(1, long.MaxValue)]
    public long MaxDocumentBytes { get; set; } = 100 * 1024 * 1024;

    /// <summary>How long <c>send</c> waits for the upload to finish before it answers 202.</summary>
    [Range(typeof(TimeSpan), "00:00:00", "01:00:00")]
    public TimeSpan SendTimeout { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>Keys a caller must present; with none, the gateway listens on loopback only.</summary>
    public List<string> ApiKeys { get; set; } = [];

    /// <summary>Requests per second each API key may make to /api.</summary>
    [Range(0.1, 100_000)]
    public double RequestsPerSecond { get; set; } = 100;

    /// <summary>How many requests above the rate a key may make at once.</summary>
    [Range(1, 100_000)]
    public int RequestBurst { get; set; } = 200;

    /// <summary>Largest <c>create</c> body; it is read with this limit, never buffered past it (413 <c>request_too_large</c>).</summary>
    [Range(1, 16 * 1024 * 1024)]
    public int MaxCreateBodyBytes { get; set; } = 64 * 1024;

    /// <summary>Slowest body a <c>send</c> may keep after <see cref="MinSendRateGracePeriod"/>: a stalled client is cut off, its bytes deleted.</summary>
    [Range(0, int.MaxValue)]
    public int MinSendBytesPerSecond { get; set; } = 10 * 1024;

    /// <summary>How long a <c>send</c> may stay under <see cref="MinSendBytesPerSecond"/> before it is cut off.</summary>
    [Range(typeof(TimeSpan), "00:00:01.001", "01:00:00")]
    public TimeSpan MinSendRateGracePeriod { get; set; } = TimeSpan.FromSeconds(10);
}
