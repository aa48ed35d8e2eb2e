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

    // Resumable uploads (tus): issue 13.

    /// <summary>Browser origins that may use /api/tus (CORS); none by default, so no page on another origin can.</summary>
    public List<string> CorsOrigins { get; set; } = [];

    /// <summary>How long a tus PATCH holds its upload without news (renewed while its body comes): a gateway that dies mid-PATCH frees it after this.</summary>
    [Range(typeof(TimeSpan), "00:00:01", "00:10:00")]
    public TimeSpan TusPatchLease { get; set; } = TimeSpan.FromSeconds(30);
}
