namespace UploadProxy.Fakes;

/// <summary>The account the fake Cloudinary accepts, and how it is hosted.</summary>
public sealed class FakeCloudinaryOptions
{
    public string CloudName { get; set; } = "fake-cloud";

    public string ApiKey { get; set; } = "fake-api-key";

    public string ApiSecret { get; set; } = "fake-api-secret-for-tests";

    /// <summary>The digest the account verifies signatures with, <c>sha1</c> (Cloudinary's default) or <c>sha256</c>.</summary>
    public string SignatureAlgorithm { get; set; } = "sha1";

    /// <summary>Admin API requests allowed per hour (500 on free plans); past it, lookups answer 420 with Retry-After.</summary>
    public int AdminApiHourlyLimit { get; set; } = 500;

    /// <summary>Port on 127.0.0.1; 0 lets the system pick a free one.</summary>
    public int Port { get; set; }

    /// <summary>Added before answering each upload request.</summary>
    public TimeSpan Latency { get; set; }

    /// <summary>
    /// For benchmarks: the file of a single-request upload is read as it streams and only its size is kept (no copy,
    /// no digest, nothing to download), so that the fake costs as little as it can. Every check still applies.
    /// </summary>
    public bool DiscardContent { get; set; }
}
