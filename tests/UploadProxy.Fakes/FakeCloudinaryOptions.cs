namespace UploadProxy.Fakes;

/// <summary>The account the fake Cloudinary accepts, and how it is hosted.</summary>
public sealed class FakeCloudinaryOptions
{
    public string CloudName { get; set; } = "fake-cloud";

    public string ApiKey { get; set; } = "fake-api-key";

    public string ApiSecret { get; set; } = "fake-api-secret-for-tests";

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
