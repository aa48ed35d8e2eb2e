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

    /// <summary>Keys that may only read: GET and HEAD, so the batches, their event streams and /orleans. A write route answers them 403.</summary>
    public List<string> ReadKeys { get; set; } = [];

    /// <summary>
    /// Lets a gateway with no key listen beyond loopback. Without it such a gateway refuses to start: an open network
    /// without keys must be said, never reached by a forgotten variable.
    /// </summary>
    public bool AllowOpenNetworkWithoutKeys { get; set; }

    /// <summary>
    /// Host names served (<c>*.example.com</c> for subdomains; any port) when keys are configured or the open network is
    /// allowed; empty serves any. Otherwise only loopback names are served, against DNS rebinding.
    /// </summary>
    public List<string> AllowedHosts { get; set; } = [];

    /// <summary>Batch event streams one API key may hold open at once (all keyless callers share one count): each holds a connection and a grain call.</summary>
    [Range(1, 100_000)]
    public int MaxEventStreamsPerKey { get; set; } = 8;

    /// <summary>Batch event streams this gateway process holds open at once, whatever the key.</summary>
    [Range(1, 1_000_000)]
    public int MaxEventStreams { get; set; } = 256;

    /// <summary>Sessions one batch may hold; a create past it is refused, so no batch grows past what its grain answers quickly.</summary>
    [Range(1, 10_000_000)]
    public int MaxSessionsPerBatch { get; set; } = 100_000;

    /// <summary>Largest <c>create</c> body; it is read with this limit, never buffered past it (413 <c>request_too_large</c>).</summary>
    [Range(1, 16 * 1024 * 1024)]
    public int MaxCreateBodyBytes { get; set; } = 64 * 1024;

    /// <summary>Slowest body a <c>send</c> may keep after <see cref="MinSendRateGracePeriod"/>: a stalled client is cut off, its bytes deleted.</summary>
    [Range(0, int.MaxValue)]
    public int MinSendBytesPerSecond { get; set; } = 10 * 1024;

    /// <summary>How long a <c>send</c> may stay under <see cref="MinSendBytesPerSecond"/> before it is cut off.</summary>
    [Range(typeof(TimeSpan), "00:00:01.001", "01:00:00")]
    public TimeSpan MinSendRateGracePeriod { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>
    /// How long a short grain call (create, info, retry, batch reads) may take before the caller gets 503: a call to a
    /// silo that died unnoticed otherwise waits Orleans' 30 s response timeout. 4 s keeps a whole answer, HTTP included,
    /// under 5 s. Long calls (send's accept) keep Orleans' timeout.
    /// </summary>
    [Range(typeof(TimeSpan), "00:00:00.100", "00:01:00")]
    public TimeSpan GrainCallTimeout { get; set; } = TimeSpan.FromSeconds(4);

    // Resumable uploads (tus): issue 13.

    /// <summary>Browser origins that may use /api/tus (CORS); none by default, so no page on another origin can.</summary>
    public List<string> CorsOrigins { get; set; } = [];

    /// <summary>How long a tus PATCH holds its upload without news (renewed while its body comes): a gateway that dies mid-PATCH frees it after this.</summary>
    [Range(typeof(TimeSpan), "00:00:01", "00:10:00")]
    public TimeSpan TusPatchLease { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>Sessions the CSV export of a batch asks its grain for at a time: the export streams page by page, never the whole batch at once.</summary>
    [Range(1, 1000)]
    public int ExportPageSize { get; set; } = 1000;
}
